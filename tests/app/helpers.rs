//! `TestApp`: a fresh database (from a migrated, seeded template) and a running server, with a
//! cookie-aware client and helpers that read like a user's steps.

use diesel::{Connection, PgConnection, RunQueryDsl};
use reqwest::StatusCode;
use samveis::app::{AppState, Config};
use samveis::db::Db;
use samveis::state::Clock;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::OnceCell;

pub use samveis::demo::DEMO_PASSWORD;
/// The public address the test servers are configured with.
pub const PUBLIC_URL: &str = "https://samveis.test";
/// The programme office's mailbox the test server names on its statement pages.
pub const CONTACT: &str = "programkontoret@samveis.test";
pub const ADMIN: &str = "admin@samveis.demo";
pub const NORDLAND: &str = "fylke.nordland@samveis.demo";
pub const AGDER: &str = "fylke.agder@samveis.demo";
pub const BODO: &str = "kommune.bodo@samveis.demo";
pub const SALTEN: &str = "prosjekt.salten@samveis.demo";
pub const VIEWER: &str = "leser@samveis.demo";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs each test function on both backends: `backends! { async fn name(app) { … } }`.
#[macro_export]
macro_rules! backends {
    ($(async fn $name:ident($app:ident) $body:block)*) => {
        mod sqlite {
            #[allow(unused_imports)]
            use super::*;
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
               async fn $name() { let $app = $crate::helpers::TestApp::spawn($crate::helpers::Backend::Sqlite).await; $body } )*
        }
        mod postgres {
            #[allow(unused_imports)]
            use super::*;
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
               async fn $name() { let $app = $crate::helpers::TestApp::spawn($crate::helpers::Backend::Postgres).await; $body } )*
        }
    };
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);
static SQLITE_TEMPLATE: OnceCell<std::path::PathBuf> = OnceCell::const_new();
static PG_TEMPLATE: OnceCell<String> = OnceCell::const_new();

pub fn postgres_admin_url() -> String {
    std::env::var("SAMVEIS_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

fn postgres_url(db: &str) -> String {
    let admin = postgres_admin_url();
    let base = admin.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap_or(admin);
    format!("{base}/{db}")
}

/// Names this run's databases: `SAMVEIS_TEST_RUN` from scripts/test (which drops only its own
/// run's databases afterwards, so runs side by side leave each other alone), else the process id.
fn run_id() -> String {
    std::env::var("SAMVEIS_TEST_RUN")
        .ok()
        .filter(|r| !r.is_empty() && r.bytes().all(|b| b.is_ascii_alphanumeric()))
        .unwrap_or_else(|| std::process::id().to_string())
}

fn prepare(url: &str) {
    let db = samveis::cli::open(url).expect("migrate and seed");
    db.run_blocking(|conn| samveis::demo::load(conn, chrono::Utc::now().naive_utc())).expect("demo set");
}

/// A new, empty database on a backend (for restores): a SQLite file that does not exist yet,
/// or a PostgreSQL database with no tables.
pub async fn empty_database(backend: Backend) -> String {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    match backend {
        Backend::Sqlite => {
            let dir = std::env::temp_dir().join(format!("samveis-test-{}", run_id()));
            std::fs::create_dir_all(&dir).unwrap();
            format!("sqlite://{}", dir.join(format!("empty{n}.db")).display())
        }
        Backend::Postgres => {
            let name = format!("samveis_t_{}_{n}", run_id());
            let admin = postgres_admin_url();
            let create = name.clone();
            tokio::task::spawn_blocking(move || {
                let mut c = PgConnection::establish(&admin).unwrap();
                diesel::sql_query(format!("CREATE DATABASE {create}")).execute(&mut c).unwrap();
            })
            .await
            .unwrap();
            postgres_url(&name)
        }
    }
}

async fn sqlite_database() -> String {
    let template = SQLITE_TEMPLATE
        .get_or_init(|| async {
            let dir = std::env::temp_dir().join(format!("samveis-test-{}", run_id()));
            std::fs::create_dir_all(&dir).unwrap();
            let path = dir.join("template.db");
            let url = format!("sqlite://{}", path.display());
            tokio::task::spawn_blocking(move || {
                prepare(&url);
                // Fold the WAL into the main file so a plain copy carries everything.
                let mut c = diesel::SqliteConnection::establish(&path.display().to_string()).unwrap();
                diesel::sql_query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&mut c).unwrap();
                path
            })
            .await
            .unwrap()
        })
        .await;
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let copy = template.with_file_name(format!("t{n}.db"));
    std::fs::copy(template, &copy).unwrap();
    format!("sqlite://{}", copy.display())
}

async fn postgres_database() -> String {
    let template = PG_TEMPLATE
        .get_or_init(|| async {
            let name = format!("samveis_t_{}_template", run_id());
            let admin = postgres_admin_url();
            let url = postgres_url(&name);
            tokio::task::spawn_blocking(move || {
                let mut c =
                    PgConnection::establish(&admin).expect("PostgreSQL on 127.0.0.1:5432 (scripts/test starts one)");
                diesel::sql_query(format!("DROP DATABASE IF EXISTS {name}")).execute(&mut c).unwrap();
                diesel::sql_query(format!("CREATE DATABASE {name}")).execute(&mut c).unwrap();
                prepare(&url);
                name
            })
            .await
            .unwrap()
        })
        .await
        .clone();
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let name = format!("samveis_t_{}_{n}", run_id());
    let admin = postgres_admin_url();
    let create = name.clone();
    tokio::task::spawn_blocking(move || {
        let mut c = PgConnection::establish(&admin).unwrap();
        // A template must have no other sessions while it is copied; the seeding pool is gone,
        // but retry briefly in case PostgreSQL has not noticed yet.
        for attempt in 0..20 {
            match diesel::sql_query(format!("CREATE DATABASE {create} TEMPLATE {template}")).execute(&mut c) {
                Ok(_) => return,
                Err(e) if attempt < 19 => {
                    let _ = e;
                    std::thread::sleep(std::time::Duration::from_millis(100));
                }
                Err(e) => panic!("create test database: {e}"),
            }
        }
    })
    .await
    .unwrap();
    postgres_url(&name)
}

pub struct TestApp {
    pub addr: String,
    pub client: reqwest::Client,
    pub db: Db,
    pub db_url: String,
    pub backend: Backend,
    /// The server's clock: the system's unless a test fixes it ([`TestApp::fix_clock`]).
    pub clock: Clock,
}

pub struct Page {
    pub status: StatusCode,
    pub location: Option<String>,
    pub body: String,
    pub headers: reqwest::header::HeaderMap,
}

impl Page {
    /// The page's text content with tags removed and white space folded: what a reader sees.
    pub fn text(&self) -> String {
        let doc = scraper::Html::parse_document(&self.body);
        doc.root_element().text().collect::<Vec<_>>().join(" ").split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// The text of each element matching `css`, white space folded (no-break spaces too) as a
    /// reader sees it.
    pub fn select(&self, css: &str) -> Vec<String> {
        let doc = scraper::Html::parse_document(&self.body);
        let sel = scraper::Selector::parse(css).unwrap();
        doc.select(&sel)
            .map(|e| e.text().collect::<Vec<_>>().join(" ").split_whitespace().collect::<Vec<_>>().join(" "))
            .collect()
    }

    pub fn attr(&self, css: &str, attr: &str) -> Option<String> {
        let doc = scraper::Html::parse_document(&self.body);
        let sel = scraper::Selector::parse(css).unwrap();
        doc.select(&sel).next().and_then(|e| e.value().attr(attr)).map(str::to_string)
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> TestApp {
        let db_url = match backend {
            Backend::Sqlite => sqlite_database().await,
            Backend::Postgres => postgres_database().await,
        };
        Self::spawn_on(backend, db_url, false).await
    }

    pub async fn spawn_on(backend: Backend, db_url: String, secure_cookies: bool) -> TestApp {
        Self::spawn_with(
            backend,
            db_url,
            Config {
                secure_cookies,
                demo: true,
                mail: None,
                public_url: PUBLIC_URL.into(),
                contact: Some(CONTACT.into()),
            },
            Clock::System,
        )
        .await
    }

    /// The same database served again, on the same clock, by a server that sends e-mail through `mail`.
    pub async fn with_mail(&self, mail: samveis::mail::MailSettings) -> TestApp {
        let config = Config {
            secure_cookies: false,
            demo: true,
            mail: Some(mail),
            public_url: PUBLIC_URL.into(),
            contact: Some(CONTACT.into()),
        };
        Self::spawn_with(self.backend, self.db_url.clone(), config, self.clock.clone()).await
    }

    /// The same database served again by a server whose clock stands at `at` until set again
    /// (`app.clock.set(…)`).
    pub async fn fix_clock(&self, at: chrono::NaiveDateTime) -> TestApp {
        let config = Config {
            secure_cookies: false,
            demo: true,
            mail: None,
            public_url: PUBLIC_URL.into(),
            contact: Some(CONTACT.into()),
        };
        Self::spawn_with(self.backend, self.db_url.clone(), config, Clock::fixed(at)).await
    }

    async fn spawn_with(backend: Backend, db_url: String, config: Config, clock: Clock) -> TestApp {
        let db = Db::connect(&db_url).unwrap();
        let state = AppState { clock: clock.clone(), ..AppState::new(db.clone(), config) };
        let addr = samveis::app::spawn(state).await.unwrap();
        TestApp { addr: format!("http://{addr}"), client: Self::client(), db, db_url, backend, clock }
    }

    /// "Now" on the server's clock.
    pub fn now(&self) -> chrono::NaiveDateTime {
        self.clock.now()
    }

    pub fn client() -> reqwest::Client {
        reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap()
    }

    /// A second browser: its own cookies, the same server.
    pub fn other_browser(&self) -> TestApp {
        TestApp {
            addr: self.addr.clone(),
            client: Self::client(),
            db: self.db.clone(),
            db_url: self.db_url.clone(),
            backend: self.backend,
            clock: self.clock.clone(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.addr)
    }

    async fn page(resp: reqwest::Response) -> Page {
        let status = resp.status();
        let headers = resp.headers().clone();
        let location = headers.get("location").and_then(|v| v.to_str().ok()).map(str::to_string);
        Page { status, location, body: resp.text().await.unwrap(), headers }
    }

    pub async fn get(&self, path: &str) -> Page {
        Self::page(self.client.get(self.url(path)).send().await.unwrap()).await
    }

    /// A download's bytes (the body of `get` is text).
    pub async fn get_bytes(&self, path: &str) -> Vec<u8> {
        let resp = self.client.get(self.url(path)).send().await.unwrap();
        assert!(resp.status().is_success(), "{path}: {}", resp.status());
        resp.bytes().await.unwrap().to_vec()
    }

    /// The CSRF token the pages give this browser.
    pub async fn csrf(&self) -> String {
        let page = self.get("/logg-inn").await;
        page.attr("input[name=_csrf]", "value").expect("csrf field")
    }

    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let token = self.csrf().await;
        let mut all: Vec<(&str, &str)> = vec![("_csrf", token.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(path, &all).await
    }

    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        Self::page(self.client.post(self.url(path)).form(fields).send().await.unwrap()).await
    }

    /// Posts a multipart form with the CSRF token first and one file under `fil`.
    pub async fn post_file(&self, path: &str, fields: &[(&str, &str)], file_name: &str, bytes: &[u8]) -> Page {
        let mut form = reqwest::multipart::Form::new().text("_csrf", self.csrf().await);
        for (k, v) in fields {
            form = form.text(k.to_string(), v.to_string());
        }
        let part = reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(file_name.to_string());
        form = form.part("fil", part);
        Self::page(self.client.post(self.url(path)).multipart(form).send().await.unwrap()).await
    }

    /// Posts a whole form as multipart, the way a browser sends a form with file inputs: the
    /// CSRF token first, the text fields in order, then each file under its input name.
    pub async fn post_multipart(&self, path: &str, fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> Page {
        let mut form = reqwest::multipart::Form::new().text("_csrf", self.csrf().await);
        for (k, v) in fields {
            form = form.text(k.to_string(), v.to_string());
        }
        for (name, file_name, bytes) in files {
            let part = reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(file_name.to_string());
            form = form.part(name.to_string(), part);
        }
        Self::page(self.client.post(self.url(path)).multipart(form).send().await.unwrap()).await
    }

    pub async fn login(&self, email: &str) {
        self.login_with(email, DEMO_PASSWORD).await;
    }

    pub async fn login_with(&self, email: &str, password: &str) {
        let page = self.post_form("/logg-inn", &[("epost", email), ("passord", password)]).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "login as {email} failed: {}", page.text());
    }

    pub async fn api_token(&self) -> String {
        let me = self.get("/api/v1/me").await;
        assert_eq!(me.status, StatusCode::OK, "{}", me.body);
        me.json()["csrf_token"].as_str().unwrap().to_string()
    }

    pub async fn send_json(
        &self,
        method: reqwest::Method,
        path: &str,
        body: &serde_json::Value,
        csrf: Option<&str>,
    ) -> Page {
        let mut req = self.client.request(method, self.url(path)).json(body);
        if let Some(token) = csrf {
            req = req.header("x-csrf-token", token);
        }
        Self::page(req.send().await.unwrap()).await
    }

    /// Sends a body as it is, with its content type (a CSV file, say) and the CSRF header.
    pub async fn send_text(&self, path: &str, content_type: &str, body: &str, csrf: &str) -> Page {
        let req = self.client.post(self.url(path)).header("content-type", content_type).header("x-csrf-token", csrf);
        Self::page(req.body(body.to_string()).send().await.unwrap()).await
    }

    /// Number of rows in a table, straight from the database.
    pub async fn count(&self, table: &str) -> i64 {
        #[derive(diesel::QueryableByName)]
        struct N {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let sql = format!("SELECT COUNT(*) AS n FROM {table}");
        self.db
            .run(move |conn| diesel::sql_query(sql).get_result::<N>(conn).map_err(samveis::db::StoreError::from))
            .await
            .unwrap()
            .n
    }

    /// Every user with their role assignments, straight from the database.
    pub async fn users(&self) -> Vec<samveis::users::store::User> {
        self.db.run(samveis::users::store::list).await.unwrap()
    }

    /// A user by e-mail.
    pub async fn user(&self, email: &str) -> samveis::users::store::User {
        self.users().await.into_iter().find(|u| u.email == email).unwrap_or_else(|| panic!("no user {email}"))
    }

    /// Id of a collaboration by name.
    pub async fn collaboration_id(&self, name: &str) -> i64 {
        let list = self.get("/api/v1/collaborations").await.json();
        list.as_array().unwrap().iter().find(|c| c["name"] == name).unwrap_or_else(|| panic!("no {name}"))["id"]
            .as_i64()
            .unwrap()
    }
}
