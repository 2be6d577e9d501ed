//! Login throttling under attack: attempts at once are counted one after the other, a guesser
//! elsewhere cannot lock the owner out, and one password sprayed over many accounts is slowed.

use crate::backends;
use crate::helpers::*;
use reqwest::StatusCode;
use std::sync::Arc;

/// A login attempt that says it came through the local proxy from `address`.
async fn attempt_from(app: &TestApp, address: &str, email: &str, password: &str) -> StatusCode {
    let token = app.csrf().await;
    let form = [("_csrf", token.as_str()), ("epost", email), ("passord", password)];
    let response =
        app.client.post(app.url("/logg-inn")).header("x-forwarded-for", address).form(&form).send().await.unwrap();
    response.status()
}

backends! {
    async fn attempts_at_once_are_counted_before_any_password_is_checked(app) {
        let app = Arc::new(app);
        let _ = app.csrf().await;
        let tasks: Vec<_> = (0..40)
            .map(|_| {
                let app = app.clone();
                tokio::spawn(async move { attempt_from(&app, "198.51.100.4", BODO, "gjetting-123").await })
            })
            .collect();
        let mut checked = 0;
        for t in tasks {
            match t.await.unwrap() {
                StatusCode::UNAUTHORIZED => checked += 1,
                StatusCode::TOO_MANY_REQUESTS => {}
                other => panic!("unexpected {other}"),
            }
        }
        assert!(checked <= 6, "{checked} of 40 attempts at once had their password checked");
    }

    async fn a_guesser_elsewhere_does_not_lock_the_owner_out(app) {
        for _ in 0..8 {
            attempt_from(&app, "203.0.113.7", BODO, "gjetting-123").await;
        }
        assert_eq!(attempt_from(&app, "203.0.113.7", BODO, DEMO_PASSWORD).await, StatusCode::TOO_MANY_REQUESTS);
        let owner = app.other_browser();
        assert_eq!(attempt_from(&owner, "192.0.2.10", BODO, DEMO_PASSWORD).await, StatusCode::SEE_OTHER);
        let page = app.get("/logg-inn").await;
        assert!(page.text().contains("stenger deg ikke ute"), "the login page says how throttling works");
    }

    async fn one_password_sprayed_over_many_accounts_is_slowed(app) {
        let mut statuses = Vec::new();
        for n in 0..24 {
            statuses.push(attempt_from(&app, "198.51.100.9", &format!("bruker{n}@kommune.example"), "Sommer2026!").await);
        }
        assert!(statuses[..20].iter().all(|s| *s == StatusCode::UNAUTHORIZED), "{statuses:?}");
        assert!(statuses[20..].iter().all(|s| *s == StatusCode::TOO_MANY_REQUESTS), "{statuses:?}");
        let refused = app.post_form("/logg-inn", &[("epost", ADMIN), ("passord", DEMO_PASSWORD)]).await;
        assert_eq!(refused.status, StatusCode::SEE_OTHER, "another address is not slowed");
    }
}
