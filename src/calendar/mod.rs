//! The calendar (kalender): gatherings and webinars, the deadlines of the reporting rounds one
//! reports in or follows, and the acceptance deadlines of one's own grants; on a page and as a
//! personal iCalendar feed behind a secret token (calendar apps cannot log in).

pub mod event_form;
pub mod pages;

use crate::context::Ctx;
use crate::db::DbConnection;
use crate::db::schema::{calendar_events, calendar_tokens};
use crate::error::AppError;
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use diesel::prelude::*;
use samveis_domain::access::{Action, Actor, Resource, may};
use samveis_domain::calendar::When;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarEntry {
    /// The days, and the times in Norwegian local time for a timed event.
    pub when: When,
    /// gathering | webinar | deadline
    pub kind: &'static str,
    pub title: String,
    /// A page in Samveis, if any.
    pub link: Option<String>,
    /// What the entry is, whoever's calendar it is in and whatever else is added: "event-12",
    /// "round-6-deadline", "grant-31-acceptance". The feed's UID adds the public host.
    pub identity: String,
    /// How many times what the entry comes from has changed (the feed's SEQUENCE).
    pub revision: i64,
    /// When it last changed, UTC (the feed's LAST-MODIFIED).
    pub modified: NaiveDateTime,
}

pub fn kind_label(kind: &str) -> &'static str {
    match kind {
        "gathering" => "Samling",
        "webinar" => "Webinar",
        _ => "Frist",
    }
}

fn static_kind(kind: &str) -> &'static str {
    match kind {
        "gathering" => "gathering",
        "webinar" => "webinar",
        _ => "deadline",
    }
}

/// A gathering or webinar to put in everyone's calendar.
pub struct NewEvent<'a> {
    pub when: When,
    /// gathering | webinar
    pub kind: &'a str,
    pub title: &'a str,
    /// Part of the demo data.
    pub demo: bool,
}

/// Adds an event; the programme office's (today only the demo loader adds them).
pub fn add_event(conn: &mut DbConnection, ctx: &Ctx, event: &NewEvent) -> Result<(), AppError> {
    ctx.require(Action::ManageRounds, &Resource::Any)?;
    let (start_time, end_time) = event.when.times().unzip();
    diesel::insert_into(calendar_events::table)
        .values((
            calendar_events::event_date.eq(event.when.first()),
            calendar_events::end_date.eq(event.when.last()),
            calendar_events::start_time.eq(start_time),
            calendar_events::end_time.eq(end_time),
            calendar_events::kind.eq(event.kind),
            calendar_events::title.eq(event.title),
            calendar_events::demo.eq(event.demo),
            calendar_events::created_at.eq(ctx.now),
            calendar_events::revision.eq(0),
            calendar_events::updated_at.eq(ctx.now),
        ))
        .execute(conn)?;
    Ok(())
}

/// An event as stored, for its form.
pub struct StoredEvent {
    pub when: When,
    pub kind: &'static str,
    pub title: String,
}

/// One gathering or webinar, if it is there.
pub fn event(conn: &mut DbConnection, id: i64) -> Result<Option<StoredEvent>, AppError> {
    Ok(events(conn)?.into_iter().find(|e| e.identity == format!("event-{id}")).map(|e| StoredEvent {
        when: e.when,
        kind: e.kind,
        title: e.title,
    }))
}

fn audited(event: &NewEvent) -> serde_json::Value {
    let time = |t: Option<NaiveTime>| t.map(|t| t.format("%H.%M").to_string());
    let (start, end) = event.when.times().unzip();
    serde_json::json!({
        "type": kind_label(event.kind), "tittel": event.title, "dato": event.when.first(), "siste_dag": event.when.last(),
        "starttid": time(start), "sluttid": time(end),
    })
}

/// The programme office adds a gathering or webinar (none: a new one) or changes one: a change
/// counts (the feed's SEQUENCE) and is dated (LAST-MODIFIED). Audited.
pub fn save_event(conn: &mut DbConnection, ctx: &Ctx, id: Option<i64>, event: &NewEvent) -> Result<i64, AppError> {
    ctx.require(Action::ManageRounds, &Resource::Any)?;
    crate::db::write(conn, |conn| {
        let (start_time, end_time) = event.when.times().unzip();
        let fields = (
            calendar_events::event_date.eq(event.when.first()),
            calendar_events::end_date.eq(event.when.last()),
            calendar_events::start_time.eq(start_time),
            calendar_events::end_time.eq(end_time),
            calendar_events::kind.eq(event.kind),
            calendar_events::title.eq(event.title),
            calendar_events::updated_at.eq(ctx.now),
        );
        let (id, before) = match id {
            Some(id) => {
                let before = self::event(conn, id)?.ok_or_else(|| AppError::NotFound("Fant ikke hendelsen.".into()))?;
                let old = NewEvent { when: before.when, kind: before.kind, title: &before.title, demo: false };
                diesel::update(calendar_events::table.find(id))
                    .set((fields, calendar_events::revision.eq(calendar_events::revision + 1)))
                    .execute(conn)?;
                (id, Some(audited(&old)))
            }
            None => {
                let id = diesel::insert_into(calendar_events::table)
                    .values((
                        fields,
                        calendar_events::demo.eq(event.demo),
                        calendar_events::created_at.eq(ctx.now),
                        calendar_events::revision.eq(0),
                    ))
                    .returning(calendar_events::id)
                    .get_result(conn)?;
                (id, None)
            }
        };
        let change = crate::audit::Change {
            action: if before.is_some() { "endret" } else { "opprettet" },
            record_type: "kalenderhendelse",
            record_id: id.to_string(),
            before,
            after: Some(audited(event)),
        };
        crate::audit::record(conn, &ctx.author, ctx.now, change)?;
        Ok(id)
    })
}

type EventTuple = (i64, NaiveDate, NaiveDate, Option<NaiveTime>, Option<NaiveTime>, String, String, i64, NaiveDateTime);

/// The gatherings and webinars.
fn events(conn: &mut DbConnection) -> Result<Vec<CalendarEntry>, AppError> {
    let rows: Vec<EventTuple> = calendar_events::table
        .select((
            calendar_events::id,
            calendar_events::event_date,
            calendar_events::end_date,
            calendar_events::start_time,
            calendar_events::end_time,
            calendar_events::kind,
            calendar_events::title,
            calendar_events::revision,
            calendar_events::updated_at,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, first, last, start, end, kind, title, revision, modified)| {
            let when = When::new(first, Some(last), start, end)
                .map_err(|e| AppError::Internal(format!("kalenderhendelse {id}: {e}")))?;
            Ok(CalendarEntry {
                when,
                kind: static_kind(&kind),
                title,
                link: None,
                identity: format!("event-{id}"),
                revision,
                modified,
            })
        })
        .collect()
}

/// The deadlines of the rounds: all of them for those who follow rounds; otherwise those one
/// reports in. A moved deadline is the same event, changed.
fn round_deadlines(conn: &mut DbConnection, actor: &Actor) -> Result<Vec<CalendarEntry>, AppError> {
    let follows = may(Some(actor), Action::ViewRounds, &Resource::Any);
    let mine: Vec<crate::reporting::store::SubmissionRow> =
        crate::reporting::store::submissions_of_orgs(conn, &crate::reporting::pages::own_units(actor))?;
    let mut out = Vec::new();
    for r in crate::reporting::store::rounds(conn)? {
        let submission = mine.iter().find(|s| s.round_id == r.id);
        if !follows && submission.is_none() {
            continue;
        }
        let link = match submission {
            Some(s) => format!("/rapportering/innleveringer/{}", s.id),
            None => format!("/rapportering/runder/{}", r.id),
        };
        out.push(CalendarEntry {
            when: When::day(r.deadline),
            kind: "deadline",
            title: format!("Frist: {}", r.name),
            link: Some(link),
            identity: format!("round-{}-deadline", r.id),
            revision: r.revision,
            modified: r.updated_at,
        });
    }
    Ok(out)
}

/// Grants one has been given and not yet accepted: by the deadline the letter states, or within
/// three weeks of the decision where the scheme gives none. A decision and its scheme's terms
/// are never edited, so the event is as the decision made it.
fn grant_acceptances(conn: &mut DbConnection, actor: &Actor) -> Result<Vec<CalendarEntry>, AppError> {
    let mut out = Vec::new();
    for (kind, id) in &crate::reporting::pages::own_orgs(actor) {
        for a in crate::grants::store::applications_of_applicant(conn, kind, id)? {
            let Some(d) =
                crate::grants::store::decision_of_application(conn, a.id)?.filter(|d| d.accepted_at.is_none())
            else {
                continue;
            };
            let terms = crate::grants::store::scheme(conn, a.scheme_id)?.map(|s| s.terms);
            let due =
                terms.and_then(|t| t.accept_by(d.decided_on)).unwrap_or(d.decided_on + chrono::Duration::days(21));
            out.push(CalendarEntry {
                when: When::day(due),
                kind: "deadline",
                title: format!("Aksepter tilskuddet: {}", a.applicant_name),
                link: Some(format!("/tilskudd/soknader/{}", a.id)),
                identity: format!("grant-{}-acceptance", a.id),
                revision: 0,
                modified: crate::grants::store::decision_made_at(conn, d.id)?,
            });
        }
    }
    Ok(out)
}

/// Everything in the actor's calendar, by first day.
pub fn entries(conn: &mut DbConnection, actor: &Actor) -> Result<Vec<CalendarEntry>, AppError> {
    let mut out = events(conn)?;
    out.extend(round_deadlines(conn, actor)?);
    out.extend(grant_acceptances(conn, actor)?);
    out.sort_by(|a, b| {
        (a.when.first(), a.when.times()).cmp(&(b.when.first(), b.when.times())).then_with(|| a.title.cmp(&b.title))
    });
    Ok(out)
}

/// A new secret feed address for the signed-in user (an earlier one stops working). The system
/// has no calendar.
pub fn renew_token(conn: &mut DbConnection, ctx: &Ctx) -> Result<String, AppError> {
    ctx.require(Action::ViewOwnAccount, &Resource::Any)?;
    let (user_id, now) = (ctx.actor().ok_or(AppError::Forbidden)?.user_id, ctx.now);
    let token = crate::auth::session::random_token();
    diesel::delete(calendar_tokens::table.filter(calendar_tokens::user_id.eq(user_id))).execute(conn)?;
    diesel::insert_into(calendar_tokens::table)
        .values((
            calendar_tokens::token_hash.eq(crate::auth::session::token_hash(&token)),
            calendar_tokens::user_id.eq(user_id),
            calendar_tokens::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(token)
}

/// The actor a feed token belongs to (an active user), if any.
pub fn actor_of_token(conn: &mut DbConnection, token: &str) -> Result<Option<Actor>, AppError> {
    let user: Option<i64> = calendar_tokens::table
        .find(crate::auth::session::token_hash(token))
        .select(calendar_tokens::user_id)
        .first(conn)
        .optional()?;
    let Some(user_id) = user else { return Ok(None) };
    Ok(crate::auth::store::active_actor(conn, user_id)?)
}

/// The host of the public address ("samveis.no" of "https://samveis.no:443/"), which makes
/// the UIDs global.
fn host_of(base_url: &str) -> &str {
    let rest = base_url.split_once("://").map_or(base_url, |(_, rest)| rest);
    let host = rest.split('/').next().unwrap_or(rest);
    host.rsplit_once(':').filter(|(_, port)| port.bytes().all(|b| b.is_ascii_digit())).map_or(host, |(h, _)| h)
}

/// Europe/Oslo as RFC 5545 defines a time zone: CET, and CEST from the last Sunday of March
/// (02.00 becomes 03.00) to the last Sunday of October (03.00 becomes 02.00), as in the EU since
/// 1996. Timed events refer to it by TZID, so calendar programs show them at Norwegian time.
const OSLO: &str = "Europe/Oslo";
const VTIMEZONE_OSLO: &str = "BEGIN:VTIMEZONE\r
TZID:Europe/Oslo\r
BEGIN:DAYLIGHT\r
TZOFFSETFROM:+0100\r
TZOFFSETTO:+0200\r
TZNAME:CEST\r
DTSTART:19700329T020000\r
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r
END:DAYLIGHT\r
BEGIN:STANDARD\r
TZOFFSETFROM:+0200\r
TZOFFSETTO:+0100\r
TZNAME:CET\r
DTSTART:19701025T030000\r
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r
END:STANDARD\r
END:VTIMEZONE\r
";

fn ical_event(e: &CalendarEntry, base_url: &str, host: &str) -> icalendar::Event {
    use icalendar::{CalendarDateTime, Component, Event, EventLike};
    use samveis_domain::calendar::Bounds;
    let modified = e.modified.and_utc();
    let mut event = Event::new();
    event
        .uid(&format!("{}@{host}", e.identity))
        .summary(&e.title)
        .sequence(u32::try_from(e.revision).unwrap_or(u32::MAX))
        .last_modified(modified)
        // Without a METHOD, DTSTAMP is when the event was last revised (RFC 5545 §3.8.7.2).
        .timestamp(modified)
        .add_property("CATEGORIES", kind_label(e.kind));
    match e.when.bounds() {
        Bounds::Days { start, end_exclusive } => event.starts(start).ends(end_exclusive),
        Bounds::Local { start, end } => event
            .starts(CalendarDateTime::WithTimezone { date_time: start, tzid: OSLO.into() })
            .ends(CalendarDateTime::WithTimezone { date_time: end, tzid: OSLO.into() }),
    };
    if let Some(link) = &e.link {
        event.url(&format!("{base_url}{link}"));
    }
    event.done()
}

/// The entries as iCalendar (RFC 5545): whole days end the day after the last (DTEND is
/// exclusive), timed events run in Europe/Oslo time (its VTIMEZONE included); each UID is what the
/// entry is at the public host, so a calendar program sees the same event as the same, across
/// users and whatever else is added, and SEQUENCE and LAST-MODIFIED tell it when it changed.
pub fn to_ical(entries: &[CalendarEntry], base_url: &str) -> String {
    use icalendar::Calendar;
    let mut cal = Calendar::empty();
    cal.append_property(("VERSION", "2.0"))
        .append_property(("PRODID", "-//Samveis//Nasjonalt velferdsteknologiprogram//NB"))
        .append_property(("CALSCALE", "GREGORIAN"));
    cal.name("Samveis").description("Frister og samlinger i Nasjonalt velferdsteknologiprogram");
    let host = host_of(base_url);
    for e in entries {
        cal.push(ical_event(e, base_url, host));
    }
    let mut text = cal.done().to_string();
    // The icalendar crate writes any component it holds with a DTSTAMP and a UID, which a
    // VTIMEZONE may not have: the definition goes in as text, before the first event.
    if entries.iter().any(|e| e.when.times().is_some()) {
        let at = text.find("BEGIN:VEVENT").unwrap_or(text.len());
        text.insert_str(at, VTIMEZONE_OSLO);
    }
    text
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_uid_host_is_the_public_host_without_scheme_or_port() {
        assert_eq!(super::host_of("https://samveis.no"), "samveis.no");
        assert_eq!(super::host_of("http://127.0.0.1:8080"), "127.0.0.1");
        assert_eq!(super::host_of("https://samveis.example.no:8443/sti"), "samveis.example.no");
    }
}
