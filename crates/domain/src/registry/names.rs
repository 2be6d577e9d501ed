//! Municipality names (kommunenavn): the official name as SSB writes it in a layout, its parallel
//! forms (Norwegian, Sami and Kven: «Porsanger-Porsáŋgu-Porsanki»), and how a name a person typed
//! is found among them: any form, or all of them in any order, with or without «kommune», in any
//! case, with or without diacritics, and with the county to tell two apart («Herøy (Nordland)»).

/// The official name of a registry row. Where the registry's name and the Norwegian name are
/// different forms (Geonorge's 2020 names: «Rosse» with «Røros»), SSB writes both, the
/// registry's name first: «Rosse - Røros». Otherwise the registry's name is the official one.
pub fn official_name(name: &str, name_norwegian: &str) -> String {
    let (name_words, norwegian) = (words(name, false), words(name_norwegian, false));
    let contained = norwegian.is_empty() || name_words.windows(norwegian.len()).any(|w| w == norwegian.as_slice());
    if contained { name.to_string() } else { format!("{name} - {name_norwegian}") }
}

/// The parallel forms of an official name, in the order SSB writes them: «Gáivuotna-Kåfjord-
/// Kaivuono» is Gáivuotna, Kåfjord and Kaivuono. A Norwegian name that has a hyphen of its own
/// («Aurskog-Høland») stays one form. A name with one form gives just that.
pub fn parallel_forms(official: &str, name_norwegian: &str) -> Vec<String> {
    let parts: Vec<&str> = official.split(['-', '–', '—']).map(str::trim).filter(|p| !p.is_empty()).collect();
    let own: Vec<&str> = name_norwegian.split(['-', '–', '—']).map(str::trim).filter(|p| !p.is_empty()).collect();
    if parts.len() < 2 || official == name_norwegian {
        return vec![official.to_string()];
    }
    let at = (own.len() > 1).then(|| parts.windows(own.len()).position(|w| w == own.as_slice())).flatten();
    let mut forms = Vec::new();
    let mut i = 0;
    while i < parts.len() {
        if Some(i) == at {
            forms.push(own.join("-"));
            i += own.len();
        } else {
            forms.push(parts[i].to_string());
            i += 1;
        }
    }
    forms
}

/// One letter as compared: lower case, Sami and other diacritics off (á→a, č→c, đ→d, ŋ→n, š→s,
/// ŧ→t, ž→z, ä→a, ö→o). Æ, ø and å stay themselves unless `loose`, where they read as ae, o and a,
/// so that «Bodo» finds Bodø where nothing else is called that.
fn fold_char(c: char, loose: bool, out: &mut String) {
    let folded = match c {
        'á' | 'à' | 'â' | 'ä' => 'a',
        'č' | 'ç' => 'c',
        'đ' => 'd',
        'é' | 'è' | 'ê' => 'e',
        'ï' | 'í' => 'i',
        'ŋ' | 'ñ' => 'n',
        'ó' | 'ò' | 'ô' | 'ö' => 'o',
        'š' => 's',
        'ŧ' => 't',
        'ü' | 'ú' => 'u',
        'ž' => 'z',
        'ø' if loose => 'o',
        'å' if loose => 'a',
        'æ' if loose => {
            out.push_str("ae");
            return;
        }
        other => other,
    };
    out.push(folded);
}

/// Words that say what a name is rather than which: «Bodø kommune», «Voss herad».
const NOT_NAMES: [&str; 3] = ["kommune", "kommunen", "herad"];

/// The words of a name as compared: folded letters, split at anything that is not a letter or a
/// digit (space, hyphen, dash, slash, comma, brackets), «kommune» and «herad» left out.
pub fn words(text: &str, loose: bool) -> Vec<String> {
    let mut lower = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() { fold_char(c, loose, &mut lower) } else { lower.push(' ') }
    }
    lower.split_whitespace().filter(|w| !NOT_NAMES.contains(w)).map(str::to_string).collect()
}

/// How closely a typed name matched: letter for letter (but for case and Sami diacritics), or
/// only once æ, ø and å were read as ae, o and a.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Closeness {
    Exact,
    Loose,
}

/// The names a municipality answers to, ready to compare: each parallel form of each of its
/// names (official, Norwegian, and those it has in other layouts), and its county.
#[derive(Debug, Clone, Default)]
pub struct NameForms {
    /// Forms as words, strict then loose.
    forms: [Vec<Vec<String>>; 2],
    county: [Vec<String>; 2],
}

impl NameForms {
    /// From (official name, Norwegian name) pairs and the county's name.
    pub fn new<'a>(names: impl IntoIterator<Item = (&'a str, &'a str)>, county: &str) -> NameForms {
        let mut out = NameForms { county: [words(county, false), words(county, true)], ..Default::default() };
        for (official, norwegian) in names {
            let forms = parallel_forms(official, norwegian).into_iter().chain([official.to_string(), norwegian.into()]);
            for form in forms {
                for (i, loose) in [false, true].into_iter().enumerate() {
                    let w = words(&form, loose);
                    if !w.is_empty() && !out.forms[i].contains(&w) {
                        out.forms[i].push(w);
                    }
                }
            }
        }
        out
    }

    /// Whether `query` is this municipality's name: its words split into this municipality's
    /// forms, in any order, at least one of them a name and the others its county.
    pub fn matches(&self, query: &str) -> Option<Closeness> {
        self.matches_typed(&Typed::new(query))
    }

    pub fn matches_typed(&self, typed: &Typed) -> Option<Closeness> {
        [Closeness::Exact, Closeness::Loose].into_iter().find(|c| {
            let i = usize::from(*c == Closeness::Loose);
            covers(&typed.words[i], &self.forms[i], &self.county[i])
        })
    }

    /// Whether `query` is found in one of the names, as the list's search reads it: the name
    /// itself (any form, any order), or a part of one form («guovda», «bodo»).
    pub fn found_by(&self, query: &str) -> bool {
        self.found_by_typed(&Typed::new(query))
    }

    pub fn found_by_typed(&self, typed: &Typed) -> bool {
        if self.matches_typed(typed).is_some() {
            return true;
        }
        (0..2).any(|i| {
            let q = typed.words[i].join(" ");
            !q.is_empty() && self.forms[i].iter().any(|f| f.join(" ").contains(&q))
        })
    }
}

/// What a person typed, read once into words (strict and loose) to compare with many names.
#[derive(Debug, Clone)]
pub struct Typed {
    words: [Vec<String>; 2],
}

impl Typed {
    pub fn new(text: &str) -> Typed {
        Typed { words: [words(text, false), words(text, true)] }
    }
}

/// Whether `query` (as words) is a sequence of `forms`, at least one, with the county's words
/// allowed between them: a dynamic programme over word positions, two states (a name seen yet).
fn covers(query: &[String], forms: &[Vec<String>], county: &[String]) -> bool {
    if query.is_empty() {
        return false;
    }
    let mut reach = vec![[false; 2]; query.len() + 1];
    reach[0][0] = true;
    for at in 0..query.len() {
        for seen in 0..2 {
            if !reach[at][seen] {
                continue;
            }
            let rest = &query[at..];
            for form in forms {
                if rest.starts_with(form) {
                    reach[at + form.len()][1] = true;
                }
            }
            if !county.is_empty() && rest.starts_with(county) {
                reach[at + county.len()][seen] = true;
            }
        }
    }
    reach[query.len()][1]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_official_name_is_ssbs_with_both_forms() {
        assert_eq!(official_name("Rosse", "Røros"), "Rosse - Røros");
        assert_eq!(official_name("Aarborte", "Hattfjelldal"), "Aarborte - Hattfjelldal");
        assert_eq!(official_name("Oslo-Oslove", "Oslo"), "Oslo-Oslove");
        assert_eq!(official_name("Voss herad", "Voss"), "Voss herad");
        assert_eq!(official_name("Aurskog-Høland", "Aurskog-Høland"), "Aurskog-Høland");
    }

    #[test]
    fn parallel_forms_in_ssbs_order() {
        assert_eq!(parallel_forms("Gáivuotna-Kåfjord-Kaivuono", "Kåfjord"), ["Gáivuotna", "Kåfjord", "Kaivuono"]);
        assert_eq!(parallel_forms("Porsanger-Porsáŋgu-Porsanki", "Porsanger"), ["Porsanger", "Porsáŋgu", "Porsanki"]);
        assert_eq!(parallel_forms("Rosse - Røros", "Røros"), ["Rosse", "Røros"]);
        assert_eq!(parallel_forms("Aurskog-Høland", "Aurskog-Høland"), ["Aurskog-Høland"]);
        assert_eq!(parallel_forms("Voss herad", "Voss"), ["Voss herad"]);
        assert_eq!(parallel_forms("Sør-Fron-Máttá", "Sør-Fron"), ["Sør-Fron", "Máttá"], "a hyphen of its own");
    }

    #[test]
    fn any_form_in_any_order_with_or_without_kommune_case_or_diacritics() {
        let porsanger = NameForms::new([("Porsanger-Porsáŋgu-Porsanki", "Porsanger")], "Finnmark");
        for typed in [
            "Porsanger",
            "porsáŋgu",
            "PORSANGU",
            "Porsanki kommune",
            "Porsanki - Porsanger",
            "Porsáŋgu/Porsanger/Porsanki",
            "Porsanger kommune (Finnmark)",
        ] {
            assert_eq!(porsanger.matches(typed), Some(Closeness::Exact), "{typed}");
        }
        for typed in ["Porsang", "Finnmark", "Porsanger Tana", ""] {
            assert_eq!(porsanger.matches(typed), None, "{typed}");
        }
        let bodo = NameForms::new([("Bodø", "Bodø")], "Nordland");
        assert_eq!(bodo.matches("Bodø kommune"), Some(Closeness::Exact));
        assert_eq!(bodo.matches("bodo"), Some(Closeness::Loose), "ø as o only when loose");
        let baerum = NameForms::new([("Bærum", "Bærum")], "Akershus");
        assert_eq!(baerum.matches("Baerum"), Some(Closeness::Loose));
        let voss = NameForms::new([("Voss herad", "Voss")], "Vestland");
        assert_eq!(voss.matches("Voss kommune"), Some(Closeness::Exact));
        let heroy = NameForms::new([("Herøy", "Herøy")], "Nordland");
        assert_eq!(heroy.matches("Herøy (Nordland)"), Some(Closeness::Exact));
        assert_eq!(heroy.matches("Herøy i Møre og Romsdal"), None);
    }

    #[test]
    fn the_search_finds_the_start_of_a_word_of_any_form() {
        let kautokeino = NameForms::new([("Guovdageaidnu-Kautokeino", "Kautokeino")], "Finnmark");
        for q in ["guovda", "Kautok", "KAUTOKEINO", "kautokeino kommune", "geaidnu", "Kautokeino-Guovdageaidnu"] {
            assert!(kautokeino.found_by(q), "{q}");
        }
        assert!(!kautokeino.found_by("oslo"));
        let karasjok = NameForms::new([("Kárášjohka-Karasjok", "Karasjok")], "Finnmark");
        assert!(karasjok.found_by("karasjohka") && karasjok.found_by("Kárášjohka"));
    }
}
