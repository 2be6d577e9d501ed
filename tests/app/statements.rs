//! The accessibility and privacy statements: public, linked from every page, naming where to
//! send feedback.

use crate::backends;
use crate::helpers::*;
use reqwest::StatusCode;

backends! {
    async fn the_statements_are_public_linked_from_every_page_and_name_the_contact(app) {
        let front = app.get("/").await;
        assert!(front.body.contains(r#"href="/tilgjengelighet""#) && front.body.contains(r#"href="/personvern""#));
        let accessibility = app.get("/tilgjengelighet").await;
        assert_eq!(accessibility.status, StatusCode::OK);
        let text = accessibility.text();
        assert!(text.contains("WCAG 2.1 på nivå AA") && text.contains("320 piksler"), "{text}");
        assert!(accessibility.body.contains(&format!("mailto:{CONTACT}")), "feedback goes to the programme office");
        assert!(text.contains("Tilsynet for universell utforming av IKT"));
        let privacy = app.get("/personvern").await;
        assert_eq!(privacy.status, StatusCode::OK);
        let text = privacy.text();
        assert!(text.contains("Argon2id") && text.contains("12 timer") && text.contains("Datatilsynet"), "{text}");
        app.login(BODO).await;
        assert!(app.get("/rapportering").await.body.contains(r#"href="/tilgjengelighet""#), "also when signed in");
    }
}
