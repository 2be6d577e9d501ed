//! The command line: `samveis serve | migrate | demo | rounds | import | user | mail`. Settings come from flags or
//! `SAMVEIS_*` variables (clap reads them; nothing else reads the environment).

use crate::db::Db;
use crate::error::AppError;
use crate::mail::{MailSettings, redact};
use crate::state::{AppState, Config};
use crate::users::{self, NewUser};
use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand};
use samveis_domain::access::{Assignment, Role, Scope};
use std::collections::BTreeSet;
use std::io::BufRead;

#[derive(Debug, Parser)]
#[command(name = "samveis", version, about = "Samveis – Nasjonalt velferdsteknologiprogram")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct DbArgs {
    /// sqlite://FILE (default, created if missing) or postgres://USER@HOST/DB
    #[arg(long = "database", env = "SAMVEIS_DATABASE_URL", default_value = "sqlite://samveis.db")]
    pub url: String,
}

#[derive(Debug, Args)]
pub struct MailArgs {
    /// SMTP server: smtp://HOST:PORT (plain, for a local relay), smtp://USER:PASSWORD@HOST:587?tls=required
    /// (STARTTLS) or smtps://USER:PASSWORD@HOST:465. Unset: e-mail stays queued in the outbox.
    #[arg(long = "smtp-url", env = "SAMVEIS_SMTP_URL")]
    pub smtp_url: Option<String>,
    /// The sender of e-mail from Samveis.
    #[arg(long = "mail-from", env = "SAMVEIS_MAIL_FROM", default_value = crate::mail::DEFAULT_FROM)]
    pub from: String,
}

impl MailArgs {
    /// The checked settings; a bad URL or sender stops the command with the reason.
    pub fn settings(&self) -> anyhow::Result<Option<MailSettings>> {
        Ok(MailSettings::parse(self.smtp_url.as_deref(), Some(&self.from))?)
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start the web server (migrations run first).
    Serve {
        #[command(flatten)]
        db: DbArgs,
        /// Address to listen on.
        #[arg(long, env = "SAMVEIS_LISTEN", default_value = "127.0.0.1:8080")]
        listen: String,
        /// Load the demo set and print the demo users.
        #[arg(long)]
        demo: bool,
        /// Leave the Secure flag off cookies (only for plain-HTTP clients that refuse them).
        #[arg(long, env = "SAMVEIS_INSECURE_COOKIES")]
        insecure_cookies: bool,
        /// The address users reach Samveis at, for links in calendar feeds and e-mails
        /// (https:// unless given; default: http:// and the listen address, for a local demo).
        #[arg(long, env = "SAMVEIS_PUBLIC_URL")]
        public_url: Option<String>,
        /// The programme office's functional mailbox, named on the accessibility and privacy statements.
        #[arg(long, env = "SAMVEIS_CONTACT")]
        contact: Option<String>,
        #[command(flatten)]
        mail: MailArgs,
    },
    /// Apply database migrations and load the reference data.
    Migrate {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Load the demo set into an existing database (idempotent).
    Demo {
        #[command(flatten)]
        db: DbArgs,
        /// Also generate a synthetic monthly history for load tests: N years of a 234-field
        /// report from every municipality, about N million reported values.
        #[arg(long, value_name = "N")]
        scale: Option<u32>,
    },
    /// Reporting rounds.
    Rounds {
        #[command(subcommand)]
        command: RoundsCommand,
    },
    /// Grants: try a county distribution key.
    Grants {
        #[command(subcommand)]
        command: GrantsCommand,
    },
    /// Import answers and historic grants from other systems.
    Import {
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// Manage users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Write a consistent backup while the server runs (SQLite: VACUUM INTO; PostgreSQL: pg_dump -Fc).
    Backup {
        /// The backup file; it must not exist.
        #[arg(long)]
        to: std::path::PathBuf,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Restore a backup into a new, empty database (no sessions survive: everyone signs in again).
    Restore {
        /// A file written by `samveis backup`.
        #[arg(long)]
        from: std::path::PathBuf,
        #[command(flatten)]
        db: DbArgs,
    },
    /// E-mail in the outbox.
    Mail {
        #[command(subcommand)]
        command: MailCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum MailCommand {
    /// Send what waits in the outbox now (and retry failed messages) and print the counts.
    Send {
        #[command(flatten)]
        mail: MailArgs,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum RoundsCommand {
    /// Results per question and option: question,option,group,count,answered,share_percent.
    Results {
        /// The round's id (see `rounds list`).
        round: i64,
        /// Break down by size class or county.
        #[arg(long)]
        by: Option<String>,
        /// Output format: csv (default: a readable table).
        #[arg(long)]
        format: Option<String>,
        #[command(flatten)]
        db: DbArgs,
    },
    /// List rounds: id, name, period, deadline, expected, delivered.
    List {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Open a round and print its id.
    Open {
        /// The template's code (teknologistatus, pandemilosninger_2020, …); its latest version is used.
        #[arg(long)]
        template: String,
        /// 2026 (year), 2026S1 (half), 2026T2 (tertial), 2026Q3 (quarter), 202605 (month) or 2020-03-17..2020-03-24.
        #[arg(long)]
        period: String,
        /// The deadline, YYYY-MM-DD.
        #[arg(long)]
        deadline: String,
        /// The municipal layout the round asks in: 2015, 2020 or 2024.
        #[arg(long, default_value_t = 2024)]
        layout: i32,
        /// alle (default), fylke:NN, kommuner:NNNN,NNNN, samarbeid:ID,ID or medlemmer:ID,ID.
        #[arg(long)]
        audience: Option<String>,
        /// Default: the template's name and the period.
        #[arg(long)]
        name: Option<String>,
        /// county (the county governor reviews; default) or programme.
        #[arg(long)]
        reviewer: Option<String>,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum GrantsCommand {
    /// Split a frame over the counties by a weighted key and print it as CSV:
    /// county_number,county_name,population,municipalities,amount (the scheme page computes the same).
    Distribute {
        /// The frame in whole kroner.
        #[arg(long)]
        frame: i64,
        /// County layout: 2015, 2020 or 2024.
        #[arg(long, default_value_t = 2024)]
        layout: i32,
        /// Population from this year (1 January).
        #[arg(long)]
        population_year: Option<i32>,
        /// e.g. population=50,municipalities=50,equal=0 (whole percent, summing to 100).
        #[arg(long)]
        weights: String,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// A SurveyMonkey export (CSV or XLSX, two header rows) into a survey round. Nothing is
    /// imported while a row cannot be matched or read, unless that row is skipped.
    Surveymonkey {
        /// The round's id (see `rounds list`).
        #[arg(long)]
        round: i64,
        /// The exported file (.csv or .xlsx).
        file: std::path::PathBuf,
        /// Check and report only; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Row numbers to leave out on purpose, as in the spreadsheet (e.g. --skip 5,17).
        #[arg(long, value_delimiter = ',')]
        skip: Vec<usize>,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Historic grants from a CSV file, one row per recipient:
    /// scheme_id,year,recipient,granted_nok,target_figures_text[,applied_nok,decided_on,reference].
    /// All rows or none; errors name the row.
    Grants {
        file: std::path::PathBuf,
        /// Check and report only; write nothing.
        #[arg(long)]
        dry_run: bool,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user; the password is read from standard input.
    Add {
        #[arg(long)]
        email: String,
        /// national-admin, county-officer, municipal-editor, project-leader or viewer
        #[arg(long)]
        role: String,
        /// An office (nordland), a municipality number (1804) or a collaboration id (12).
        #[arg(long, default_value = "")]
        scope: String,
        /// Display name; a role, not a person, in demo data.
        #[arg(long)]
        name: Option<String>,
        #[command(flatten)]
        db: DbArgs,
    },
    /// List users and their roles.
    List {
        #[command(flatten)]
        db: DbArgs,
    },
}

/// Connects, migrates and loads reference data: every command starts here.
pub fn open(url: &str) -> anyhow::Result<Db> {
    let db = Db::connect(url).with_context(|| format!("kan ikke åpne databasen {}", redact(url)))?;
    // One start at a time on a database (two instances started together both come up).
    db.migrate_then(|conn| {
        crate::registry::seed::ensure_reference_data(conn)?;
        crate::reporting::ensure_templates(conn, now())?;
        crate::insight::indicators::ensure_builtin(conn, now())?;
        crate::reporting::values::backfill(conn)?;
        crate::registry::collaborations::backfill_codes(conn)?;
        // Reference data or definitions may have changed with this start: views computed by
        // another server on the same database are recomputed.
        crate::generation::changed(conn)
    })?;
    Ok(db)
}

fn now() -> chrono::NaiveDateTime {
    chrono::Utc::now().naive_utc()
}

pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve { db, listen, demo, insecure_cookies, public_url, contact, mail } => {
            let public_url = crate::state::public_url(public_url.as_deref(), &listen).map_err(anyhow::Error::msg)?;
            let config =
                Config { secure_cookies: !insecure_cookies, demo, mail: mail.settings()?, public_url, contact };
            serve(&db.url, &listen, config)
        }
        Command::Mail { command: MailCommand::Send { mail, db } } => send_mail(&db.url, mail.settings()?),
        Command::Migrate { db } => {
            open(&db.url)?;
            println!("Databasen er oppdatert: {}", redact(&db.url));
            Ok(())
        }
        Command::Demo { db, scale } => {
            let db = open(&db.url)?;
            load_demo(&db)?;
            if let Some(years) = scale {
                generate_scale(&db, years)?;
            }
            print_demo_users();
            Ok(())
        }
        Command::User { command: UserCommand::Add { email, role, scope, name, db } } => {
            add_user(&db.url, &email, &role, &scope, name)
        }
        Command::User { command: UserCommand::List { db } } => list_users(&db.url),
        Command::Rounds { command } => rounds(command),
        Command::Backup { to, db } => backup(&db.url, &to),
        Command::Restore { from, db } => restore(&db.url, &from),
        Command::Import { command: ImportCommand::Surveymonkey { round, file, dry_run, skip, db } } => {
            import_surveymonkey(&db.url, round, &file, dry_run, &skip)
        }
        Command::Import { command: ImportCommand::Grants { file, dry_run, db } } => {
            import_grants(&db.url, &file, dry_run)
        }
        Command::Grants { command: GrantsCommand::Distribute { frame, layout, population_year, weights, db } } => {
            distribute(&db.url, frame, layout, population_year, &weights)
        }
    }
}

fn rounds(command: RoundsCommand) -> anyhow::Result<()> {
    match command {
        RoundsCommand::List { db } => list_rounds(&db.url),
        RoundsCommand::Results { round, by, format, db } => {
            round_results(&db.url, round, by.as_deref(), format.as_deref())
        }
        RoundsCommand::Open { template, period, deadline, layout, audience, name, reviewer, db } => {
            let layout = Some(layout);
            open_round(
                &db.url,
                &crate::reporting::RoundRequest { template, period, deadline, layout, audience, name, reviewer },
            )
        }
    }
}

/// `samveis backup`: a consistent copy while the server runs.
fn backup(url: &str, to: &std::path::Path) -> anyhow::Result<()> {
    let done = crate::operations::backup(url, to)?;
    println!("Sikkerhetskopi skrevet til {} ({}).", to.display(), crate::web::format::file_size(done.bytes as i64));
    Ok(())
}

/// `samveis restore`: into an empty database, then this version's migrations; no session survives.
fn restore(url: &str, from: &std::path::Path) -> anyhow::Result<()> {
    crate::operations::restore(url, from)?;
    let db = open(url)?;
    let done = crate::operations::end_sessions(&db, from, now())?;
    let ended = crate::web::format::count(done.sessions_ended as i64, "innlogging", "innlogginger");
    println!("Gjenopprettet fra {}; {ended} avsluttet.", from.display());
    Ok(())
}

fn load_demo(db: &Db) -> anyhow::Result<()> {
    db.run_blocking(|conn| crate::demo::load(conn, now())).map_err(|e: AppError| anyhow::anyhow!("{e}"))
}

fn print_demo_users() {
    println!("Demobrukere (passord for alle: {}):", crate::demo::DEMO_PASSWORD);
    for u in &crate::demo::DEMO_USERS {
        println!("  {:<32} {:<18} {}", u.email, u.role.code(), u.name);
    }
}

fn generate_scale(db: &Db, years: u32) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let ctx = crate::context::Ctx::system("lasttest", now());
    let done = db
        .run_blocking(|conn| {
            let done = crate::reporting::scale::generate(conn, &ctx, years).map_err(AppError::from)?;
            // Indicators over the synthetic form, so the engine can be measured on it.
            for d in crate::reporting::scale::definitions() {
                if crate::insight::indicators::store::one(conn, &d.code)?.is_none() {
                    crate::insight::indicators::store::insert(conn, &d, true, ctx.now)?;
                }
            }
            Ok::<_, AppError>(done)
        })
        .map_err(|e: AppError| anyhow::anyhow!("{e}"))?;
    println!(
        "Syntetisk historikk: {} runder, {} innleveringer, {} verdier på {:.1} s",
        done.rounds,
        done.submissions,
        done.values,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn serve(url: &str, listen: &str, config: Config) -> anyhow::Result<()> {
    let db = open(url)?;
    // Database work runs on the blocking pool, one thread per pooled connection and a few for
    // the rest (password hashing, files); more would only wait for a connection. glibc gives each thread that allocates an arena of its
    // own which keeps what it freed, so tokio's default of up to 512 threads let a large import
    // or a burst of dashboards leave the server holding far more than it used (docs/BENCHMARKS.md).
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .max_blocking_threads(db.max_connections() + 4)
        .enable_all()
        .build()?;
    if config.demo {
        load_demo(&db)?;
        print_demo_users();
    }
    let smtp = config.mail.as_ref().map_or_else(|| "ikke satt opp".to_string(), MailSettings::server);
    // SurveyMonkey previews nobody confirmed within a day go at start as well as at each upload.
    let pruned = db.run_blocking(|conn| crate::reporting::import::prune_previews(conn, now()))?;
    let (demo, secure_cookies, public_url) = (config.demo, config.secure_cookies, config.public_url.clone());
    let state = AppState::new(db, config);
    tracing::info!(pruned, "fjernet ubekreftede importforhåndsvisninger");
    tracing::info!(database = %redact(url), listen, demo, secure_cookies, smtp, public_url, "starter Samveis");
    runtime.block_on(crate::app::serve(state, listen, |addr| {
        println!("Samveis kjører på http://{addr}");
    }))
}

/// `samveis mail send`: one delivery run, audited; fails when a message failed.
fn send_mail(url: &str, settings: Option<MailSettings>) -> anyhow::Result<()> {
    let settings = settings
        .context("SMTP er ikke satt opp: sett SAMVEIS_SMTP_URL (eller --smtp-url), for eksempel smtp://127.0.0.1:25")?;
    let db = open(url)?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let done = runtime.block_on(crate::mail::deliver_pending(&db, &settings, chrono::Duration::zero()))?;
    let ctx = crate::context::Ctx::system("kommandolinje", now());
    db.run_blocking(|conn| crate::mail::record_run(conn, &ctx, done))?;
    let left = db.run_blocking(|conn| crate::mail::outbox::counts(conn, None))?;
    println!("Sendt {}, feilet {} (via {}).", done.sent, done.failed, settings.server());
    println!("I utboksen nå: {} sendt, {} venter, {} feilet.", left.sent, left.waiting, left.failed);
    if done.failed > 0 {
        bail!(
            "{} ble ikke sendt; se /admin/utboks for svaret fra serveren",
            crate::web::format::count(done.failed as i64, "melding", "meldinger")
        );
    }
    Ok(())
}

fn add_user(url: &str, email: &str, role: &str, scope: &str, name: Option<String>) -> anyhow::Result<()> {
    let role = Role::from_code(role).with_context(|| {
        format!(
            "ukjent rolle «{role}»: bruk national-admin, county-officer, municipal-editor, project-leader eller viewer"
        )
    })?;
    let scope = Scope::parse_for(role, scope)?;
    let assignment = Assignment::new(role, scope)?;
    let mut password = String::new();
    std::io::stdin().lock().read_line(&mut password).context("kunne ikke lese passord fra standard inn")?;
    let password = password.trim_end_matches(['\n', '\r']).to_string();
    if password.is_empty() {
        bail!("passord mangler: skriv det på standard inn, for eksempel: echo 'passord' | samveis user add …");
    }
    let db = open(url)?;
    let new = NewUser { email: email.into(), display_name: name.unwrap_or_else(|| email.into()), password, assignment };
    let ctx = crate::context::Ctx::system("kommandolinje", now());
    let id = db.run_blocking(|conn| users::create(conn, &ctx, &new)).map_err(|e| anyhow::anyhow!("{e}"))?;
    println!("Opprettet bruker {id}: {} ({})", users::store::normalize_email(email), role.code());
    Ok(())
}

fn list_users(url: &str) -> anyhow::Result<()> {
    let db = open(url)?;
    let list = db.run_blocking(users::store::list)?;
    for u in list {
        let roles: Vec<String> =
            u.assignments.iter().map(|a| format!("{} {}", a.assignment.role.code(), a.assignment.scope)).collect();
        let status = if u.active { "aktiv" } else { "deaktivert" };
        println!("{}\t{}\t{}\t{}\t{}", u.id, u.email, u.display_name, status, roles.join(", "));
    }
    Ok(())
}

fn import_surveymonkey(
    url: &str,
    round: i64,
    file: &std::path::Path,
    dry_run: bool,
    skip: &[usize],
) -> anyhow::Result<()> {
    let rows = crate::reporting::import::read_rows(file).map_err(|e| anyhow::anyhow!("{e}"))?;
    let db = open(url)?;
    let skip: std::collections::BTreeSet<usize> = skip.iter().copied().collect();
    let ctx = crate::context::Ctx::system("import fra SurveyMonkey", now());
    let source = file.display().to_string();
    let job =
        crate::reporting::import::SurveyImport { round_id: round, source: &source, rows: &rows, skip: &skip, dry_run };
    let report = db
        .run_blocking(|conn| crate::reporting::import::import_survey(conn, &ctx, &job))
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    println!("{}: {} svarrader, {} kan importeres", file.display(), report.respondents, report.imported);
    if !report.skipped.is_empty() {
        let rows: Vec<String> = report.skipped.iter().map(ToString::to_string).collect();
        println!("Hoppet over (--skip): rad {}", rows.join(", "));
    }
    if !report.ignored_columns.is_empty() {
        println!("Kolonner som ikke brukes: {}", report.ignored_columns.join(" | "));
    }
    for n in &report.notes {
        println!("  rad {}: {}", n.row, n.message);
    }
    for sentence in report.effect.sentences() {
        println!("{sentence}");
    }
    if !report.problems.is_empty() {
        println!("Ingenting er importert. Disse radene må rettes i filen eller hoppes over med --skip:");
        for p in &report.problems {
            println!("  rad {}: {}", p.row, p.message);
        }
        bail!("{}", problems_summary(&report.problems));
    }
    if report.written {
        println!("Importert {} svar i runde {round}; de er sendt inn og kan vurderes.", report.imported);
    } else {
        println!("Prøvekjøring: ingenting er lagret. Kjør uten --dry-run for å importere.");
    }
    Ok(())
}

/// "2 problemer i filen (rader: 3, 9, 10)", rows in numeric order; a problem in the two header
/// rows says what it is.
fn problems_summary(problems: &[samveis_domain::reporting::ImportProblem]) -> String {
    let count = crate::web::format::count(problems.len() as i64, "problem", "problemer");
    let rows: BTreeSet<usize> = problems.iter().filter(|p| p.row > 2).map(|p| p.row).collect();
    let header: Vec<&str> = problems.iter().filter(|p| p.row <= 2).map(|p| p.message.as_str()).collect();
    let mut parts = Vec::new();
    if !rows.is_empty() {
        parts.push(format!("rader: {}", rows.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")));
    }
    if !header.is_empty() {
        parts.push(format!("i overskriftene: {}", header.join("; ")));
    }
    format!("{count} i filen ({})", parts.join("; "))
}

fn distribute(url: &str, frame: i64, layout: i32, population_year: Option<i32>, weights: &str) -> anyhow::Result<()> {
    let weights = samveis_domain::grants::Weights::parse(weights).map_err(|e| anyhow::anyhow!("{e}"))?;
    let layout = samveis_domain::registry::Layout::from_year(layout).map_err(|e| anyhow::anyhow!("{e}"))?;
    let db = open(url)?;
    let rows = db
        .run_blocking(|conn| crate::grants::distribution(conn, frame, layout, population_year, weights))
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut w = csv::Writer::from_writer(std::io::stdout());
    w.write_record(["county_number", "county_name", "population", "municipalities", "amount"])?;
    for (b, amount) in rows {
        w.write_record([b.number, b.name, b.population.to_string(), b.municipalities.to_string(), amount.to_string()])?;
    }
    w.flush()?;
    Ok(())
}

fn import_grants(url: &str, file: &std::path::Path, dry_run: bool) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(file).with_context(|| format!("kunne ikke lese {}", file.display()))?;
    let db = open(url)?;
    // The audit trail names the import as it always has.
    let ctx = crate::context::Ctx::system("import av historiske tilskudd", now());
    let result = db
        .run_blocking(|conn| crate::grants::import::historic_file(conn, &ctx, &text, dry_run))
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    match result {
        Ok(n) if dry_run => println!("Prøvekjøring: {n} tilsagn kan importeres; ingenting er lagret."),
        Ok(n) => println!("Importert {n} historiske tilsagn."),
        Err(problems) => {
            println!("Ingenting er importert. Rett disse radene:");
            for p in &problems {
                println!("  rad {}: {}", p.row, p.message);
            }
            bail!("{} feil i {}", problems.len(), file.display());
        }
    }
    Ok(())
}

fn list_rounds(url: &str) -> anyhow::Result<()> {
    let db = open(url)?;
    let today = now().date();
    let lines = db
        .run_blocking(|conn| {
            let all = crate::reporting::store::rounds(conn)?;
            crate::reporting::pages::round_lines(conn, today, all)
        })
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    println!("id\tnavn\tperiode\tfrist\tforventet\tlevert");
    for r in lines {
        println!("{}\t{}\t{}\t{}\t{}\t{}", r.id, r.name, r.period, r.deadline, r.expected, r.delivered);
    }
    Ok(())
}

/// `samveis rounds open`: prints the new round's id on the first line, so scripts can read it.
fn open_round(url: &str, request: &crate::reporting::RoundRequest) -> anyhow::Result<()> {
    let db = open(url)?;
    let ctx = crate::context::Ctx::system("kommandolinje", now());
    let (id, name, recipients) = db
        .run_blocking(|conn| {
            let spec = crate::reporting::spec_of(conn, request)?;
            let round = crate::reporting::prepare_round(conn, &ctx, &spec)?;
            let id = crate::reporting::open_round(conn, &ctx, &spec)?;
            Ok::<_, crate::reporting::ReportingError>((id, round.name, round.recipients.len()))
        })
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    println!("{id}");
    eprintln!("Åpnet «{name}» for {}.", crate::web::format::count(recipients as i64, "mottaker", "mottakere"));
    Ok(())
}

fn round_results(url: &str, round: i64, by: Option<&str>, format: Option<&str>) -> anyhow::Result<()> {
    let csv_out = match format {
        None => false,
        Some("csv") => true,
        Some(other) => bail!("ukjent format «{other}»: bruk csv"),
    };
    let by = crate::reporting::pages::breakdown(by).map_err(|e| anyhow::anyhow!("{e}"))?;
    let db = open(url)?;
    let results = db
        .run_blocking(|conn| {
            let r = crate::reporting::store::round(conn, round)?
                .ok_or_else(|| AppError::NotFound(format!("runde {round} finnes ikke (se samveis rounds list)")))?;
            Ok::<_, AppError>(crate::reporting::survey_results(conn, &r, by)?)
        })
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let percent = |share: Option<u32>| share.map(|s| format!("{}.{:02}", s / 100, s % 100)).unwrap_or_default();
    if csv_out {
        let mut w = csv::Writer::from_writer(std::io::stdout());
        w.write_record(["question", "option", "group", "count", "answered", "share_percent"])?;
        for r in &results {
            w.write_record([
                &r.question,
                &r.option,
                &r.group,
                &r.count.to_string(),
                &r.answered.to_string(),
                &percent(r.share),
            ])?;
        }
        w.flush()?;
    } else {
        for r in &results {
            println!(
                "{:>4} av {:>4} {:>7} %  {}  [{}]  {}",
                r.count,
                r.answered,
                percent(r.share),
                r.option,
                r.group,
                r.question
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use samveis_domain::reporting::ImportProblem;

    fn problem(row: usize, message: &str) -> ImportProblem {
        ImportProblem { row, message: message.into() }
    }

    #[test]
    fn an_import_summary_lists_rows_in_numeric_order_and_names_header_problems() {
        let rows = [problem(10, "a"), problem(9, "b"), problem(3, "c")];
        assert_eq!(super::problems_summary(&rows).replace('\u{a0}', " "), "3 problemer i filen (rader: 3, 9, 10)");
        let header = [problem(1, "ingen spørsmål i filen har samme tekst som et felt i rundens skjema")];
        assert_eq!(
            super::problems_summary(&header).replace('\u{a0}', " "),
            "1 problem i filen (i overskriftene: ingen spørsmål i filen har samme tekst som et felt i rundens skjema)"
        );
    }
}
