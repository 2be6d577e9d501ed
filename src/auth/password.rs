//! Passwords: Argon2id with the crate's recommended parameters, PHC strings in the database.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};

pub const MIN_LENGTH: usize = 10;

pub fn hash(password: &str) -> Result<String, String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(|e| e.to_string())
}

pub fn verify(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// Spends the time a real check would, so a wrong e-mail answers as slowly as a wrong password.
pub fn verify_dummy(password: &str) {
    static DUMMY: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    if let Some(phc) = DUMMY.get_or_init(|| hash("dummy-password-for-timing").ok()) {
        let _ = verify(password, phc);
    }
}

/// A new password must be long enough; returns the Norwegian message otherwise.
pub fn check_strength(password: &str) -> Result<(), String> {
    if password.chars().count() < MIN_LENGTH {
        Err(format!("Passordet må ha minst {MIN_LENGTH} tegn."))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn hashes_are_argon2id_and_verify() {
        let h = super::hash("riktig-passord").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(super::verify("riktig-passord", &h));
        assert!(!super::verify("galt-passord", &h));
        assert!(!super::verify("x", "not a hash"));
    }
}
