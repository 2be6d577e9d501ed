//! Both migration sets must produce exactly the tables and columns of `schema.rs`: read every
//! column of every table through the MultiConnection after the app has written to each.

use crate::backends;
use crate::helpers::*;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use samveis::db::StoreError;
use samveis::db::schema::*;

backends! {
    async fn every_column_reads_back_on_this_backend(app) {
        // Make sure sessions and login failures have rows too.
        app.login(ADMIN).await;
        let _ = app.other_browser().post_form("/logg-inn", &[("epost", ADMIN), ("passord", "feil-passord")]).await;
        app.db.run(|conn| {
            settings::table.select(settings::all_columns).load::<(String, String)>(conn)?;
            counties::table.select(counties::all_columns).load::<(i32, String, String)>(conn)?;
            municipalities::table.select(municipalities::all_columns).load::<(i32, String, String, String, String)>(conn)?;
            municipality_population::table.select(municipality_population::all_columns).load::<(i32, String, i32, i64)>(conn)?;
            code_transitions::table.select(code_transitions::all_columns).load::<(i32, String, String, i32, String)>(conn)?;
            governor_offices::table.select(governor_offices::all_columns).load::<(String, String)>(conn)?;
            office_counties::table.select(office_counties::all_columns).load::<(i32, String, String)>(conn)?;
            let c = collaborations::table.select(collaborations::all_columns)
                .load::<(i64, String, String, i32, String, NaiveDate, Option<NaiveDate>, String, i64, NaiveDateTime, NaiveDateTime)>(conn)?;
            assert!(!c.is_empty());
            collaboration_members::table.select(collaboration_members::all_columns).load::<(i64, String, i32)>(conn)?;
            let u = users::table.select(users::all_columns).load::<(i64, String, String, String, bool, i64, NaiveDateTime)>(conn)?;
            assert!(!u.is_empty());
            role_assignments::table.select(role_assignments::all_columns).load::<(i64, i64, String, String)>(conn)?;
            let s = sessions::table.select(sessions::all_columns).load::<(String, i64, String, NaiveDateTime, NaiveDateTime)>(conn)?;
            assert!(!s.is_empty());
            let f = login_throttle::table.select(login_throttle::all_columns).load::<(String, i64, NaiveDateTime, NaiveDateTime)>(conn)?;
            assert!(!f.is_empty());
            let a = audit_events::table.select(audit_events::all_columns)
                .load::<(i64, NaiveDateTime, Option<i64>, String, String, String, String, Option<String>, Option<String>)>(conn)?;
            assert!(!a.is_empty());
            let t = form_templates::table.select(form_templates::all_columns).load::<(i64, String, i32, String, String, bool, NaiveDateTime)>(conn)?;
            assert!(t.len() >= 4);
            let r = rounds::table.select(rounds::all_columns).load::<(i64, String, i64, String, NaiveDate, String, String, bool, NaiveDateTime)>(conn)?;
            assert!(!r.is_empty());
            let s = submissions::table.select(submissions::all_columns)
                .load::<(i64, i64, String, String, String, i32, String, String, i64, Option<NaiveDateTime>, String, NaiveDateTime)>(conn)?;
            assert!(s.len() > 357);
            outbox::table.select(outbox::all_columns)
                .load::<(i64, NaiveDateTime, String, String, String, Option<i64>, Option<i64>, Option<NaiveDateTime>, String, i32, Option<NaiveDateTime>)>(conn)?;
            stored_files::table.select(stored_files::all_columns).load::<(String, i64, Vec<u8>, NaiveDateTime)>(conn)?;
            file_references::table.select(file_references::all_columns)
                .load::<(i64, String, String, i64, String, String, String, NaiveDateTime)>(conn)?;
            Ok::<_, StoreError>(())
        }).await.unwrap();
    }
}
