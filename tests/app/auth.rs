//! Login, sessions, CSRF and throttling.

use crate::backends;
use crate::helpers::*;
use reqwest::StatusCode;

backends! {
    async fn wrong_password_and_unknown_email_answer_alike(app) {
        let wrong = app.post_form("/logg-inn", &[("epost", ADMIN), ("passord", "feil-passord")]).await;
        let unknown = app.post_form("/logg-inn", &[("epost", "ingen@samveis.demo"), ("passord", "feil-passord")]).await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
        assert_eq!(unknown.status, wrong.status);
        assert_eq!(wrong.select("[role=alert]"), unknown.select("[role=alert]"));
        assert_eq!(wrong.attr("#epost", "value").as_deref(), Some(ADMIN), "the form keeps the e-mail");
    }

    async fn repeated_failures_are_slowed_down(app) {
        for _ in 0..5 {
            let page = app.post_form("/logg-inn", &[("epost", BODO), ("passord", "gjetting-123")]).await;
            assert_eq!(page.status, StatusCode::UNAUTHORIZED);
        }
        let blocked = app.post_form("/logg-inn", &[("epost", BODO), ("passord", DEMO_PASSWORD)]).await;
        assert_eq!(blocked.status, StatusCode::TOO_MANY_REQUESTS, "even the right password waits");
        app.login(NORDLAND).await; // other accounts are unaffected
    }

    async fn login_needs_the_csrf_token_and_logout_ends_the_session(app) {
        let no_token = app.post_raw("/logg-inn", &[("epost", ADMIN), ("passord", DEMO_PASSWORD)]).await;
        assert_eq!(no_token.status, StatusCode::FORBIDDEN);
        let forged = app.post_raw("/logg-inn", &[("_csrf", "0".repeat(64).as_str()), ("epost", ADMIN), ("passord", DEMO_PASSWORD)]).await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);
        app.login(ADMIN).await;
        assert_eq!(app.get("/admin/brukere").await.status, StatusCode::OK);
        let out = app.post_form("/logg-ut", &[]).await;
        assert_eq!(out.status, StatusCode::SEE_OTHER);
        let after = app.get("/admin/brukere").await;
        assert_eq!(after.status, StatusCode::SEE_OTHER);
        assert!(after.location.unwrap().starts_with("/logg-inn?neste=%2Fadmin%2Fbrukere"));
    }

    async fn cookies_are_httponly_samesite_and_secure_by_default(app) {
        let secure = TestApp::spawn_on(app.backend, app.db_url.clone(), true).await;
        let page = secure.get("/logg-inn").await;
        let cookie = page.headers["set-cookie"].to_str().unwrap().to_string();
        for flag in ["HttpOnly", "SameSite=Lax", "Secure"] {
            assert!(cookie.contains(flag), "{flag} in {cookie}");
        }
        let token = page.attr("input[name=_csrf]", "value").unwrap();
        let resp = secure
            .client
            .post(secure.url("/logg-inn"))
            .header("cookie", format!("samveis_csrf={token}"))
            .form(&[("_csrf", token.as_str()), ("epost", ADMIN), ("passord", DEMO_PASSWORD)])
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::SEE_OTHER);
        let session = resp.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_string()).find(|c| c.starts_with("samveis_session=")).unwrap();
        assert!(session.contains("HttpOnly") && session.contains("Secure"), "{session}");
    }

    async fn a_user_changes_their_password(app) {
        app.login(VIEWER).await;
        let short = app.post_form("/konto/passord", &[("current", DEMO_PASSWORD), ("new", "kort"), ("repeat", "kort")]).await;
        assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(short.text().contains("minst 10 tegn"));
        let ok = app.post_form("/konto/passord", &[("current", DEMO_PASSWORD), ("new", "et-nytt-passord"), ("repeat", "et-nytt-passord")]).await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER);
        let fresh = app.other_browser();
        fresh.login_with(VIEWER, "et-nytt-passord").await;
    }

    async fn login_sends_users_only_to_local_pages(app) {
        for (next, expected) in [("/samarbeid", "/samarbeid"), ("//evil.example", "/"), ("/\t/evil.example", "/"), ("https://evil.example", "/")] {
            let browser = app.other_browser();
            let page = browser.post_form("/logg-inn", &[("epost", ADMIN), ("passord", DEMO_PASSWORD), ("neste", next)]).await;
            assert_eq!(page.status, StatusCode::SEE_OTHER);
            assert_eq!(page.location.as_deref(), Some(expected), "{next:?}");
        }
    }

    async fn a_password_change_ends_the_other_sessions(app) {
        let elsewhere = app.other_browser();
        elsewhere.login(VIEWER).await;
        app.login(VIEWER).await;
        let ok = app.post_form("/konto/passord", &[("current", DEMO_PASSWORD), ("new", "et-nytt-passord"), ("repeat", "et-nytt-passord")]).await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER);
        assert_eq!(app.get("/konto").await.status, StatusCode::OK, "this browser stays in");
        assert_eq!(elsewhere.get("/konto").await.status, StatusCode::SEE_OTHER, "the other session ended");
    }
}
