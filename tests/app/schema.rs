//! Both migration sets must produce exactly the tables and columns of `schema.rs`: read every
//! column of every table through the MultiConnection after the app has written to each. The
//! list of tables read is checked against the `table!` declarations in `src/db/schema.rs`, so a
//! new table cannot be left out.

use crate::backends;
use crate::helpers::*;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use samveis::db::StoreError;
use samveis::db::schema::*;
use std::collections::BTreeSet;

/// Every table `src/db/schema.rs` declares, by name.
fn declared_tables() -> BTreeSet<String> {
    let schema = include_str!("../../src/db/schema.rs");
    let mut lines = schema.lines();
    let mut names = BTreeSet::new();
    while let Some(line) = lines.next() {
        if line.trim_start().starts_with("diesel::table!") {
            let decl = lines.next().unwrap_or_default().trim();
            let name = decl.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).next().unwrap_or_default();
            assert!(!name.is_empty(), "cannot read the table name in «{decl}»");
            names.insert(name.to_string());
        }
    }
    names
}

/// Loads every column of `$table` as `$row`, and notes the table as read.
macro_rules! read {
    ($conn:ident, $seen:ident, $table:ident, $row:ty) => {{
        $seen.insert(stringify!($table).to_string());
        $table::table.select($table::all_columns).load::<$row>($conn)?
    }};
}

#[test]
fn the_schema_declares_every_table_the_migrations_make() {
    let tables = declared_tables();
    assert_eq!(tables.len(), 33, "{tables:?}");
    assert!(tables.contains("settings") && tables.contains("data_generation"), "{tables:?}");
}

backends! {
    async fn every_column_reads_back_on_this_backend(app) {
        // Make sure sessions, login failures and calendar tokens have rows too.
        app.login(ADMIN).await;
        let _ = app.other_browser().post_form("/logg-inn", &[("epost", ADMIN), ("passord", "feil-passord")]).await;
        let subscribed = app.post_form("/kalender/abonnement", &[]).await;
        assert!(subscribed.status.is_redirection() || subscribed.status.is_success(), "{}", subscribed.status);
        let seen = app.db.run(|conn| {
            let mut seen = BTreeSet::new();
            read!(conn, seen, settings, (String, String));
            read!(conn, seen, counties, (i32, String, String));
            read!(conn, seen, municipalities, (i32, String, String, String, String));
            read!(conn, seen, municipality_population, (i32, String, i32, i64));
            read!(conn, seen, code_transitions, (i32, String, String, i32, String));
            read!(conn, seen, governor_offices, (String, String));
            read!(conn, seen, office_counties, (i32, String, String));
            let c = read!(conn, seen, collaborations,
                (i64, String, String, i32, String, NaiveDate, Option<NaiveDate>, String, i64, NaiveDateTime, NaiveDateTime, Option<String>));
            assert!(!c.is_empty() && c.iter().all(|c| c.11.is_some()), "every collaboration has its code");
            read!(conn, seen, collaboration_members, (i64, String, i32));
            let u = read!(conn, seen, users, (i64, String, String, String, bool, i64, NaiveDateTime));
            assert!(!u.is_empty());
            read!(conn, seen, role_assignments, (i64, i64, String, String));
            let s = read!(conn, seen, sessions, (String, i64, String, NaiveDateTime, NaiveDateTime));
            assert!(!s.is_empty());
            let f = read!(conn, seen, login_throttle, (String, i64, NaiveDateTime, NaiveDateTime));
            assert!(!f.is_empty());
            let a = read!(conn, seen, audit_events,
                (i64, NaiveDateTime, Option<i64>, String, String, String, String, Option<String>, Option<String>));
            assert!(!a.is_empty());
            let t = read!(conn, seen, form_templates, (i64, String, i32, String, String, bool, NaiveDateTime));
            assert!(t.len() >= 4);
            let r = read!(conn, seen, rounds, (i64, String, i64, String, NaiveDate, String, String, bool, NaiveDateTime, i64, NaiveDateTime));
            assert!(!r.is_empty());
            let s = read!(conn, seen, submissions,
                (i64, i64, String, String, String, i32, String, String, i64, Option<NaiveDateTime>, String, NaiveDateTime, Option<String>));
            assert!(s.len() > 357);
            read!(conn, seen, outbox,
                (i64, NaiveDateTime, String, String, String, Option<i64>, Option<i64>, Option<NaiveDateTime>, String, i32, Option<NaiveDateTime>));
            read!(conn, seen, stored_files, (String, i64, Vec<u8>, NaiveDateTime));
            read!(conn, seen, file_references, (i64, String, String, i64, String, String, String, NaiveDateTime));
            let g = read!(conn, seen, grant_schemes,
                (i64, String, String, String, String, String, String, i32, Option<i32>, bool, i64, NaiveDateTime,
                 String, bool, String, String, String, Option<NaiveDate>, Option<i32>, Option<NaiveDate>, bool, bool, bool, bool));
            assert!(!g.is_empty() && g.iter().all(|g| g.23), "four eyes on every state scheme");
            let fr = read!(conn, seen, grant_frames, (i64, i64, i32, i64, i32, Option<i32>, Option<String>, NaiveDateTime));
            assert!(!fr.is_empty());
            let ca = read!(conn, seen, county_allocations, (i64, String, String, Option<i64>));
            assert!(!ca.is_empty());
            let ap = read!(conn, seen, grant_applications, (
                i64, i64, i32, String, String, String, i32, String, Option<i64>, Option<i64>, Option<i64>, String,
                String, String, bool, bool, String, String, String, bool, Option<NaiveDateTime>, i64, NaiveDateTime, NaiveDateTime,
            ));
            assert!(!ap.is_empty());
            read!(conn, seen, historic_grant_keys, (i64, i32, String, String, String, i64, NaiveDateTime));
            let d = read!(conn, seen, grant_decisions,
                (i64, i64, i64, String, String, String, String, NaiveDate, String, Option<NaiveDateTime>, NaiveDateTime, String, String, String));
            assert!(!d.is_empty());
            read!(conn, seen, payment_requests, (
                i64, i64, bool, i64, String, NaiveDate, String, i64,
                String, Option<i64>, String, String, Option<i64>, i64, NaiveDateTime, NaiveDateTime,
                Option<i64>, Option<NaiveDateTime>,
            ));
            let l = read!(conn, seen, ledger_entries, (i64, i64, String, i64, NaiveDate, String, Option<i64>, bool, NaiveDateTime));
            assert!(!l.is_empty());
            let e = read!(conn, seen, calendar_events, (i64, NaiveDate, String, String, bool, NaiveDateTime, NaiveDate, Option<chrono::NaiveTime>, Option<chrono::NaiveTime>, i64, NaiveDateTime));
            assert!(!e.is_empty());
            let ct = read!(conn, seen, calendar_tokens, (String, i64, NaiveDateTime));
            assert!(!ct.is_empty());
            let i = read!(conn, seen, indicators, (String, String, bool, i64, NaiveDateTime, NaiveDateTime));
            assert!(!i.is_empty());
            let v = read!(conn, seen, reported_values, (i64, String, String, String, String, String, i32, NaiveDate, Option<i64>));
            assert!(!v.is_empty());
            let n = read!(conn, seen, data_generation, (i32, i64));
            assert!(!n.is_empty());
            Ok::<_, StoreError>(seen)
        }).await.unwrap();
        let declared = declared_tables();
        let unread: Vec<&String> = declared.difference(&seen).collect();
        assert!(unread.is_empty(), "tables in src/db/schema.rs this test does not read: {unread:?}");
        assert_eq!(seen, declared);
    }
}
