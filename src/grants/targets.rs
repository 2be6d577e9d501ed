//! The target figures (måltall) agreed in grant decisions, read back so that an org unit's
//! reports and the insight pages can set what was achieved against them.

use crate::db::{DbConnection, StoreError};
use diesel::prelude::*;
use samveis_domain::grants::TargetFigure;

/// The target figures an org unit has agreed to in its grants, with the scheme and year, so its
/// reports can be read against them.
pub fn targets_for(
    conn: &mut DbConnection,
    kind: &str,
    id: &str,
) -> Result<Vec<(String, i32, TargetFigure)>, StoreError> {
    targets_where(conn, Some((kind, id)))
}

/// The target figures of every grant decision: (scheme, year, figure).
pub fn all_targets(conn: &mut DbConnection) -> Result<Vec<(String, i32, TargetFigure)>, StoreError> {
    targets_where(conn, None)
}

fn targets_where(
    conn: &mut DbConnection,
    applicant: Option<(&str, &str)>,
) -> Result<Vec<(String, i32, TargetFigure)>, StoreError> {
    use crate::db::schema::{grant_applications, grant_decisions, grant_schemes};
    let mut query = grant_decisions::table
        .inner_join(grant_applications::table.inner_join(grant_schemes::table))
        .select((grant_schemes::name, grant_applications::year, grant_decisions::target_figures))
        .order(grant_applications::year.desc())
        .into_boxed();
    if let Some((kind, id)) = applicant {
        query =
            query.filter(grant_applications::applicant_kind.eq(kind)).filter(grant_applications::applicant_id.eq(id));
    }
    let rows: Vec<(String, i32, String)> = query.load(conn)?;
    let mut out = Vec::new();
    for (scheme, year, text) in rows {
        let figures: Vec<TargetFigure> = super::store::json(&text)?;
        out.extend(figures.into_iter().map(|t| (scheme.clone(), year, t)));
    }
    Ok(out)
}

/// The target figures of every grant decision with who agreed to them: (applicant kind, id,
/// the layout its number is in, figure).
pub fn targets_by_applicant(conn: &mut DbConnection) -> Result<Vec<(String, String, i32, TargetFigure)>, StoreError> {
    use crate::db::schema::{grant_applications, grant_decisions};
    let rows: Vec<(String, String, i32, String)> = grant_decisions::table
        .inner_join(grant_applications::table)
        .select((
            grant_applications::applicant_kind,
            grant_applications::applicant_id,
            grant_applications::layout,
            grant_decisions::target_figures,
        ))
        .load(conn)?;
    let mut out = Vec::new();
    for (kind, id, layout, text) in rows {
        let figures: Vec<TargetFigure> = super::store::json(&text)?;
        out.extend(figures.into_iter().map(|t| (kind.clone(), id.clone(), layout, t)));
    }
    Ok(out)
}
