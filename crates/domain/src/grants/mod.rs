//! Grants (tilskudd): schemes with frames, the county distribution by a weighted key, screening
//! of applications, target figures and the money ledger. Pure: storage and pages are in the app.
//! Money is whole kroner (`i64`), never floating point.

mod de_minimis;
mod distribution;
mod ledger;
mod money;
mod overview;
mod screening;
mod states;
mod targets;

pub use de_minimis::{Ceiling, DeMinimis, de_minimis};
pub use distribution::{CountyBasis, DistributionError, Weights, distribute};
pub use ledger::{Balance, EntryKind, LedgerEntry, LedgerError, balance, check_payment};
pub use money::{KronerError, MAX_KRONER, parse_kroner};
pub use overview::{Allocation, CountyLine, FrameTable, GrantFigures, frame_table};
pub use screening::{ApplicationText, Warning, screen};
pub use states::{AidType, ApplicationState, FourEyes, RequestEvent, RequestState, SamePerson, UnknownCode};
pub use targets::{TargetFigure, TargetText, UNITS, parse_date, parse_target_figures, read_target_text};
