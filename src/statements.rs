//! The statements every Norwegian public web service publishes: the accessibility statement
//! (tilgjengelighetserklæring, WCAG 2.1 AA as the regulation on universal design of ICT
//! requires) and the privacy statement (personvernerklæring). Linked from every page's footer.

use crate::auth::Visitor;
use crate::state::AppState;
use crate::web::{Frame, Nav, render};
use askama::Template;
use axum::extract::State;
use axum::response::Response;

#[derive(Template)]
#[template(path = "statements/accessibility.html")]
struct AccessibilityPage {
    frame: Frame,
    contact: Option<String>,
}

#[derive(Template)]
#[template(path = "statements/privacy.html")]
struct PrivacyPage {
    frame: Frame,
    contact: Option<String>,
}

pub async fn accessibility(State(state): State<AppState>, visitor: Visitor) -> Response {
    let frame = Frame::new(&visitor, "Tilgjengelighetserklæring", Nav::Home);
    render(&AccessibilityPage { frame, contact: state.config.contact.clone() })
}

pub async fn privacy(State(state): State<AppState>, visitor: Visitor) -> Response {
    let frame = Frame::new(&visitor, "Personvernerklæring", Nav::Home);
    render(&PrivacyPage { frame, contact: state.config.contact.clone() })
}
