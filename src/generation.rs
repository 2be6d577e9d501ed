//! The data generation counter, and computed views kept until the data behind them changes.
//! Every area's store raises the counter; insight keeps its views here. Every write that can
//! change a published figure raises one counter in the database, in the same transaction as the write
//! (`changed`); a view computed at one reading of the counter is served again while the counter
//! reads the same. So a sent or accepted report shows at the next request, with no batch job,
//! and a busy dashboard computes its figures once per change instead of once per request.

use crate::db::schema::data_generation;
use crate::db::{DbConnection, StoreResult};
use crate::error::AppError;
use diesel::prelude::*;
use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Records that published figures may have changed. Call inside the writing transaction.
pub fn changed(conn: &mut DbConnection) -> StoreResult<()> {
    diesel::update(data_generation::table)
        .set(data_generation::generation.eq(data_generation::generation + 1))
        .execute(conn)?;
    Ok(())
}

fn generation(conn: &mut DbConnection) -> StoreResult<i64> {
    Ok(data_generation::table.select(data_generation::generation).first::<i64>(conn).optional()?.unwrap_or(0))
}

type Value = Arc<dyn Any + Send + Sync>;

/// Views by key, each with the generation it was computed at and when it was last stored.
/// Bounded: when full, views of an older generation go first, then the least recently stored,
/// so visitors asking for many periods cannot push out everybody's dashboards at once.
#[derive(Default)]
pub struct ViewCache {
    views: Mutex<HashMap<String, (i64, u64, Value)>>,
    stored: std::sync::atomic::AtomicU64,
}

const MAX_VIEWS: usize = 512;

impl ViewCache {
    /// The view under `key`, computed by `compute` unless it was computed since the last change.
    pub fn get<T: Send + Sync + 'static>(
        &self,
        conn: &mut DbConnection,
        key: String,
        compute: impl FnOnce(&mut DbConnection) -> Result<T, AppError>,
    ) -> Result<Arc<T>, AppError> {
        let now = generation(conn)?;
        let hit = self
            .views
            .lock()
            .ok()
            .and_then(|v| v.get(&key).filter(|(g, ..)| *g == now).map(|(.., value)| value.clone()));
        if let Some(value) = hit.and_then(|v| v.downcast::<T>().ok()) {
            return Ok(value);
        }
        let value = Arc::new(compute(conn)?);
        let order = self.stored.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if let Ok(mut views) = self.views.lock() {
            if views.len() >= MAX_VIEWS {
                views.retain(|_, (g, ..)| *g == now);
            }
            if views.len() >= MAX_VIEWS {
                let oldest = views.iter().min_by_key(|(_, (_, o, _))| *o).map(|(k, _)| k.clone());
                if let Some(k) = oldest {
                    views.remove(&k);
                }
            }
            views.insert(key, (now, order, value.clone()));
        }
        Ok(value)
    }
}
