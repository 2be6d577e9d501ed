//! De minimis aid (bagatellmessig støtte): the ceiling and exchange rate from the settings, and
//! what an applicant has had in the three years before a decision.

use super::applications::Loaded;
use crate::db::{DbConnection, StoreError};
use chrono::NaiveDate;
use diesel::prelude::*;
use samveis_domain::grants::{AidType, Ceiling, DeMinimis, de_minimis};

pub const DE_MINIMIS_EURO_KEY: &str = "de_minimis_ceiling_eur";
pub const EUR_NOK_ORE_KEY: &str = "eur_nok_ore";

/// The de minimis ceiling and the exchange rate used, from the settings (EUR 300 000 and
/// 11,50 kr per euro unless set).
pub fn ceiling(conn: &mut DbConnection) -> Result<Ceiling, StoreError> {
    use crate::db::schema::settings;
    let rows: Vec<(String, String)> = settings::table
        .filter(settings::key.eq_any([DE_MINIMIS_EURO_KEY, EUR_NOK_ORE_KEY]))
        .select((settings::key, settings::value))
        .load(conn)?;
    let get = |k: &str, default: i64| {
        rows.iter().find(|(key, _)| key == k).and_then(|(_, v)| v.parse().ok()).unwrap_or(default)
    };
    Ok(Ceiling {
        euro: get(DE_MINIMIS_EURO_KEY, Ceiling::REGULATION_2023_2831),
        nok_per_eur_ore: get(EUR_NOK_ORE_KEY, 1150),
    })
}

/// De minimis aid to this applicant in the three years before `on`, with `amount` added.
pub fn de_minimis_check(
    conn: &mut DbConnection,
    l: &Loaded,
    amount: i64,
    on: NaiveDate,
) -> Result<DeMinimis, StoreError> {
    use crate::db::schema::{grant_applications, grant_decisions};
    let earlier: Vec<(NaiveDate, i64)> = grant_decisions::table
        .inner_join(grant_applications::table)
        .filter(grant_applications::applicant_kind.eq(&l.application.applicant_kind))
        .filter(grant_applications::applicant_id.eq(&l.application.applicant_id))
        .filter(grant_applications::id.ne(l.application.id))
        .filter(grant_decisions::aid_type.eq(AidType::DeMinimis.code()))
        .select((grant_decisions::decided_on, grant_decisions::granted))
        .load(conn)?;
    Ok(de_minimis(&earlier, l.application.declared_other_aid.unwrap_or(0), on, amount, ceiling(conn)?))
}
