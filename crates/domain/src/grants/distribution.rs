//! Splitting a frame over the counties by a weighted key: a share by population, a share by
//! number of municipalities and an equal part per county, in whole percent summing to 100.
//!
//! Rounding: each county's exact share is `frame × Σ(weight × part) / 100`. Every county first
//! gets the whole kroner below its exact share; the kroner left over (fewer than the number of
//! counties) go one each to the counties with the largest remainders, ties to the lower county
//! number. So the amounts are whole kroner and sum exactly to the frame (largest-remainder
//! method). All arithmetic is on integers.

use std::fmt;

/// The weights of a key, in whole percent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Weights {
    pub population: u32,
    pub municipalities: u32,
    pub equal: u32,
}

impl Weights {
    /// Reads `population=50,municipalities=50[,equal=0]` (Norwegian names accepted too).
    pub fn parse(text: &str) -> Result<Weights, DistributionError> {
        let mut w = Weights::default();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (name, value) =
                part.split_once('=').ok_or_else(|| DistributionError::WeightSyntax(part.to_string()))?;
            let value: u32 = value.trim().parse().map_err(|_| DistributionError::WeightSyntax(part.to_string()))?;
            match name.trim() {
                "population" | "befolkning" | "innbyggere" => w.population = value,
                "municipalities" | "kommuner" => w.municipalities = value,
                "equal" | "likt" => w.equal = value,
                _ => return Err(DistributionError::WeightSyntax(part.to_string())),
            }
        }
        w.check()?;
        Ok(w)
    }

    pub fn check(&self) -> Result<(), DistributionError> {
        let sum = self.population + self.municipalities + self.equal;
        if sum == 100 { Ok(()) } else { Err(DistributionError::WeightsSum(sum)) }
    }
}

impl fmt::Display for Weights {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "befolkning {} %, kommuner {} %, likt {} %", self.population, self.municipalities, self.equal)
    }
}

/// What the key reads about one county.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountyBasis {
    pub number: String,
    pub name: String,
    pub population: i64,
    pub municipalities: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DistributionError {
    #[error("vektene summerer til {0} %, ikke 100 %")]
    WeightsSum(u32),
    #[error("«{0}» er ikke en vekt; skriv for eksempel population=50,municipalities=50,equal=0")]
    WeightSyntax(String),
    #[error("rammen kan ikke være negativ ({0} kr)")]
    NegativeFrame(i64),
    #[error("ingen fylker å fordele på")]
    NoCounties,
    #[error("befolkningen mangler (0 innbyggere i alt) for en nøkkel med befolkningsvekt")]
    NoPopulation,
    #[error("ingen kommuner å fordele etter for en nøkkel med kommunevekt")]
    NoMunicipalities,
}

/// The amount per county, in the order of `counties`, summing exactly to `frame`.
pub fn distribute(frame: i64, weights: Weights, counties: &[CountyBasis]) -> Result<Vec<i64>, DistributionError> {
    weights.check()?;
    if frame < 0 {
        return Err(DistributionError::NegativeFrame(frame));
    }
    if counties.is_empty() {
        return Err(DistributionError::NoCounties);
    }
    let total_pop: i128 = counties.iter().map(|c| i128::from(c.population)).sum();
    let total_mun: i128 = counties.iter().map(|c| i128::from(c.municipalities)).sum();
    if weights.population > 0 && total_pop == 0 {
        return Err(DistributionError::NoPopulation);
    }
    if weights.municipalities > 0 && total_mun == 0 {
        return Err(DistributionError::NoMunicipalities);
    }
    let n = counties.len() as i128;
    // Each county's share as a fraction with one common denominator: 100 × P × M × n.
    let denominator = 100 * total_pop.max(1) * total_mun.max(1) * n;
    let numerators: Vec<i128> = counties
        .iter()
        .map(|c| {
            i128::from(weights.population) * i128::from(c.population) * total_mun.max(1) * n
                + i128::from(weights.municipalities) * i128::from(c.municipalities) * total_pop.max(1) * n
                + i128::from(weights.equal) * total_pop.max(1) * total_mun.max(1)
        })
        .collect();
    let frame = i128::from(frame);
    let mut amounts: Vec<i128> = numerators.iter().map(|num| frame * num / denominator).collect();
    let left = frame - amounts.iter().sum::<i128>();
    let mut order: Vec<usize> = (0..counties.len()).collect();
    order.sort_by(|&a, &b| {
        let (ra, rb) = (frame * numerators[a] % denominator, frame * numerators[b] % denominator);
        rb.cmp(&ra).then_with(|| counties[a].number.cmp(&counties[b].number))
    });
    for &i in order.iter().take(left as usize) {
        amounts[i] += 1;
    }
    Ok(amounts.into_iter().map(|a| a as i64).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counties() -> Vec<CountyBasis> {
        [("03", "Oslo", 699_827, 1), ("18", "Nordland", 240_345, 41), ("42", "Agder", 311_134, 25)]
            .into_iter()
            .map(|(number, name, population, municipalities)| CountyBasis {
                number: number.into(),
                name: name.into(),
                population,
                municipalities,
            })
            .collect()
    }

    #[test]
    fn amounts_are_whole_kroner_and_sum_exactly_to_the_frame() {
        for frame in [0, 1, 2, 21_957_778, 1_000_000_001] {
            for w in ["population=50,municipalities=50", "equal=100", "population=34,municipalities=33,equal=33"] {
                let amounts = distribute(frame, Weights::parse(w).unwrap(), &counties()).unwrap();
                assert_eq!(amounts.iter().sum::<i64>(), frame, "{w} {frame}");
            }
        }
    }

    #[test]
    fn an_equal_key_splits_evenly_and_remainders_go_to_the_lowest_numbers() {
        let amounts = distribute(100, Weights { equal: 100, ..Default::default() }, &counties()).unwrap();
        assert_eq!(amounts, vec![34, 33, 33]);
    }

    #[test]
    fn population_and_municipalities_weigh_as_told() {
        let amounts = distribute(1_000_000, Weights { population: 100, ..Default::default() }, &counties()).unwrap();
        // Oslo: 699 827 / 1 251 306 = 55.927 %
        assert_eq!(amounts[0], 559_277);
        let by_count = distribute(670, Weights { municipalities: 100, ..Default::default() }, &counties()).unwrap();
        assert_eq!(by_count, vec![10, 410, 250]);
    }

    #[test]
    fn bad_keys_are_named() {
        assert_eq!(Weights::parse("population=50,municipalities=40"), Err(DistributionError::WeightsSum(90)));
        assert!(matches!(Weights::parse("befolkning=x"), Err(DistributionError::WeightSyntax(_))));
        assert_eq!(
            distribute(-5, Weights { equal: 100, ..Default::default() }, &counties()),
            Err(DistributionError::NegativeFrame(-5))
        );
        assert_eq!(
            Weights::parse("kommuner=60,befolkning=40").unwrap().to_string(),
            "befolkning 40 %, kommuner 60 %, likt 0 %"
        );
    }
}
