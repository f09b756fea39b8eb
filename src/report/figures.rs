//! The month's key figures in French, as (label, value) lines: the same
//! wording on the board's PDF and on the kiosk's « Rapport du mois ».

use super::model::{Indicators, Satisfaction};
use crate::fr;

fn count_and_rate(n: u64, rate: f64) -> String {
    format!("{} ({})", fr::int(n), fr::percent(rate))
}

fn satisfaction(s: &Satisfaction) -> String {
    if s.responses == 0 {
        return "aucune réponse".into();
    }
    format!(
        "{}/5 ({})",
        s.mean.to_string().replace('.', ","),
        fr::plural(s.responses, "réponse", "réponses")
    )
}

/// Counts first, rates in brackets; labels short enough for the kiosk's
/// half-screen column (docs/REPORT-FORMAT.md defines each figure).
pub fn key_figures(i: &Indicators) -> Vec<(&'static str, String)> {
    // A training device's acts are all training: said first, so that a
    // month of practice never reads as a month of nothing.
    let training = (i.training_acts > 0).then(|| {
        (
            "Actes de formation (ni comptés ni payés)",
            fr::int(i.training_acts),
        )
    });
    training
        .into_iter()
        .chain([
            (
                "Dépistages (hors annulés et formation)",
                fr::int(i.screenings),
            ),
            ("Prises en charge", fr::int(i.prises_en_charge)),
            ("Non pris en charge (orientés)", fr::int(i.exclusions.count)),
            (
                "Vendredi, samedi ou veille de férié",
                count_and_rate(
                    i.friday_saturday_holiday_eve,
                    i.share_friday_saturday_holiday_eve,
                ),
            ),
            ("Patients hors territoire", fr::int(i.out_of_territory)),
            (
                "Reprises par le délégant (taux)",
                count_and_rate(i.reprises.count, i.reprises.rate),
            ),
            (
                "Événements indésirables (taux)",
                count_and_rate(i.adverse_events.count, i.adverse_events.rate),
            ),
            (
                "Satisfaction des patients",
                satisfaction(&i.satisfaction.patients),
            ),
            (
                "Satisfaction des professionnels",
                satisfaction(&i.satisfaction.professionals),
            ),
            (
                "Annulés / en formation (non comptés)",
                format!("{} / {}", i.void_acts, i.training_acts),
            ),
        ])
        .collect()
}

/// What a screen lists of the month: the key figures, then the split by
/// urgency and by orientation under the protocol's own titles. The
/// kiosk's « Rapport du mois » and the CPTS's « Le mois » read the same
/// lines (the PDF draws the urgencies as a bar instead).
pub fn screen_figures(
    i: &Indicators,
    protocol: &crate::protocol::Protocol,
) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = key_figures(i)
        .into_iter()
        .map(|(l, v)| (l.to_string(), v))
        .collect();
    for (id, count) in &i.urgency {
        let title = protocol.urgency_title(id).unwrap_or(id);
        out.push((title.to_string(), fr::int(*count)));
    }
    for (id, count) in &i.exclusions.by_orientation {
        let title = protocol.orientation_title(id).unwrap_or(id);
        out.push((title.to_string(), fr::int(*count)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_then_rates_and_no_answer_said() {
        let mut i = Indicators::empty();
        i.prises_en_charge = 4;
        i.friday_saturday_holiday_eve = 3;
        i.finish();
        let f = key_figures(&i);
        let value = |label: &str| {
            f.iter()
                .find(|(l, _)| l.starts_with(label))
                .unwrap()
                .1
                .clone()
        };
        assert_eq!(value("Vendredi, samedi"), format!("3 (75,0{}%)", fr::NBSP));
        assert_eq!(value("Satisfaction des patients"), "aucune réponse");
        assert!(!f.iter().any(|(l, _)| l.starts_with("Actes de formation")));
    }

    #[test]
    fn training_acts_come_first_when_there_are_some() {
        let mut i = Indicators::empty();
        i.training_acts = 3;
        i.finish();
        let f = key_figures(&i);
        assert_eq!(
            f[0],
            ("Actes de formation (ni comptés ni payés)", "3".to_string())
        );
    }
}
