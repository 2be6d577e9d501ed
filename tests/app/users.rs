//! User administration: who may hand out which role, and the audit of it.

use crate::backends;
use crate::helpers::*;
use reqwest::StatusCode;

backends! {
    async fn the_admin_creates_a_user_who_can_then_log_in(app) {
        app.login(ADMIN).await;
        let page = app
            .post_form("/admin/brukere/ny", &[("display_name", "Prosjektleder, Fauske kommune"), ("email", "Fauske@Samveis.Demo"),
                ("password", "langt-nok-passord"), ("role", "municipal-editor"), ("scope", "1841")])
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text());
        let user = app.get(page.location.as_deref().unwrap()).await.text();
        assert!(user.contains("fauske@samveis.demo") && user.contains("Kommunal redaktør") && user.contains("Fauske-Fuosko kommune (1841)"), "{user}");
        let fresh = app.other_browser();
        fresh.login_with("fauske@samveis.demo", "langt-nok-passord").await;
        let log = app.get("/admin/logg?type=bruker").await.text();
        assert!(log.contains("Roller Kommunal redaktør (kommune 1841)"), "{log}");
        let dup = app
            .post_form("/admin/brukere/ny", &[("display_name", "X"), ("email", "fauske@samveis.demo"), ("password", "langt-nok-passord"), ("role", "viewer"), ("scope", "")])
            .await;
        assert_eq!(dup.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(dup.text().contains("finnes allerede"));
        assert_eq!(dup.attr("#display_name", "value").as_deref(), Some("X"), "keeps what was typed");
    }

    async fn a_county_officer_manages_users_only_in_their_area(app) {
        app.login(NORDLAND).await;
        let list = app.get("/admin/brukere").await.text();
        assert!(list.contains(BODO) && list.contains(SALTEN));
        assert!(!list.contains(ADMIN) && !list.contains(AGDER), "{list}");
        let inside = app
            .post_form("/admin/brukere/ny", &[("display_name", "Rådgiver, Vefsn kommune"), ("email", "vefsn@samveis.demo"),
                ("password", "langt-nok-passord"), ("role", "municipal-editor"), ("scope", "1824")])
            .await;
        assert_eq!(inside.status, StatusCode::SEE_OTHER, "{}", inside.text());
        let before = app.count("users").await;
        let outside = app
            .post_form("/admin/brukere/ny", &[("display_name", "X"), ("email", "krs@samveis.demo"), ("password", "langt-nok-passord"),
                ("role", "municipal-editor"), ("scope", "4204")])
            .await;
        assert_eq!(outside.status, StatusCode::FORBIDDEN);
        let escalate = app
            .post_form("/admin/brukere/ny", &[("display_name", "X"), ("email", "x@samveis.demo"), ("password", "langt-nok-passord"),
                ("role", "county-officer"), ("scope", "nordland")])
            .await;
        assert_eq!(escalate.status, StatusCode::FORBIDDEN);
        assert_eq!(app.count("users").await, before);
        let admin_id = app.user(ADMIN).await.id;
        assert_eq!(app.get(&format!("/admin/brukere/{admin_id}")).await.status, StatusCode::FORBIDDEN);
    }

    async fn a_deactivated_user_cannot_log_in_and_roles_can_be_revoked(app) {
        app.login(ADMIN).await;
        let viewer = app.user(VIEWER).await;
        let session = app.other_browser();
        session.login(VIEWER).await;
        let page = app.post_form(&format!("/admin/brukere/{}/status", viewer.id), &[("version", "1"), ("active", "nei")]).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER);
        assert_eq!(session.get("/konto").await.status, StatusCode::SEE_OTHER, "the live session ended");
        let refused = session.post_form("/logg-inn", &[("epost", VIEWER), ("passord", DEMO_PASSWORD)]).await;
        assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
        let stale = app.post_form(&format!("/admin/brukere/{}/status", viewer.id), &[("version", "1"), ("active", "ja")]).await;
        assert_eq!(stale.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(stale.text().contains("Noen andre har lagret"));
        let role = viewer.assignments[0].id;
        let revoked = app.post_form(&format!("/admin/brukere/{}/roller/{role}/fjern", viewer.id), &[("version", "2")]).await;
        assert_eq!(revoked.status, StatusCode::SEE_OTHER);
        let log = app.get(&format!("/admin/logg?type=bruker&id={}", viewer.id)).await.text();
        assert!(log.contains("deaktivert") && log.contains("rolle fjernet"), "{log}");
    }

    async fn the_last_national_admin_stays(app) {
        app.login(ADMIN).await;
        let other = app.post_form("/admin/brukere/ny", &[("display_name", "Programkontoret, administrator 2"), ("email", "admin2@samveis.demo"),
            ("password", "langt-nok-passord"), ("role", "national-admin"), ("scope", "")]).await;
        assert_eq!(other.status, StatusCode::SEE_OTHER);
        let second = app.user("admin2@samveis.demo").await;
        let me = app.user(ADMIN).await;
        // The second admin removes the first admin's role: allowed, one admin remains.
        let browser = app.other_browser();
        browser.login_with("admin2@samveis.demo", "langt-nok-passord").await;
        let role = me.assignments[0].id;
        let removed = browser.post_form(&format!("/admin/brukere/{}/roller/{role}/fjern", me.id), &[("version", &me.version.to_string())]).await;
        assert_eq!(removed.status, StatusCode::SEE_OTHER);
        // The first (no longer admin) cannot act; the second cannot deactivate themself, and no one
        // else may take away the last admin.
        let last = browser.post_form(&format!("/admin/brukere/{}/status", second.id), &[("version", &second.version.to_string()), ("active", "nei")]).await;
        assert_eq!(last.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(app.user("admin2@samveis.demo").await.active);
        // An operator acting from outside (as the CLI or a race would) may not remove the last one either.
        let (id, version) = (second.id, second.version);
        let refused = app
            .db
            .run(move |conn| {
                let operator = samveis_domain::access::Actor {
                    user_id: 0,
                    assignments: vec![samveis_domain::access::Assignment::new(
                        samveis_domain::access::Role::NationalAdmin,
                        samveis_domain::access::Scope::National,
                    ).unwrap()],
                };
                let ctx = samveis::context::Ctx {
                    who: samveis_domain::access::Principal::User(operator),
                    author: samveis::audit::Author::system("test"),
                    now: chrono::Utc::now().naive_utc(),
                };
                let command = samveis::users::ChangeUser { user_id: id, version, what: samveis::users::UserChange::SetActive(false) };
                Ok::<_, samveis::error::AppError>(samveis::users::change(conn, &ctx, &command))
            })
            .await
            .unwrap();
        assert!(refused.unwrap_err().to_string().contains("minst én aktiv nasjonal administrator"));
    }
}
