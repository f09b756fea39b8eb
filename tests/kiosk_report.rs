//! « Rapport du mois » on the kiosk: provisional figures for an open
//! month, a closure asked twice, export of the final report only, into an
//! existing folder; then the same through the real window with kittest.

mod common;
mod kiosk_support;

use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use common::*;
use kiosk_support::now;
use protocoop::calendar::Month;
use protocoop::kiosk::state::ReportForm;
use protocoop::kiosk::{Action, Field, FixedClock, KioskState, Message, Screen, Services};
use protocoop::kiosk::{reduce, start};
use protocoop::report::{self, Format, MonthStatus};
use serde_json::json;

fn t(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn month(s: &str) -> Month {
    s.parse().unwrap()
}

/// A ledger with three October acts (two prises en charge, one
/// exclusion) and one in November, all under the validated protocol.
fn ledger_with_acts(dir: &Path) {
    let mut l = setup_ledger(dir, t("2026-09-01T08:00:00Z"));
    let p = attach(&mut l, t("2026-09-01T08:00:00Z"));
    for (at, extra) in [
        ("2026-10-09T08:00:00Z", json!({})),
        ("2026-10-10T08:00:00Z", json!({})),
        (
            "2026-10-12T08:00:00Z",
            json!({"facts": {"excl.haemorrhage": true}, "lines": []}),
        ),
        ("2026-11-02T08:00:00Z", json!({})),
    ] {
        let mut extra = extra;
        extra["occurred_at"] = json!(at);
        record(&mut l, &p, &abscess_input(extra), t(at)).unwrap();
    }
}

struct Kiosk {
    state: KioskState,
    services: Services,
}

impl Kiosk {
    fn new(dir: &Path) -> Kiosk {
        let clock = FixedClock::new(now());
        let services = kiosk_support::services(dir, &clock);
        let state = start(Arc::new(validated_protocol()), &services, now()).unwrap();
        Kiosk { state, services }
    }

    fn act(&mut self, a: Action) -> &mut Self {
        reduce(&mut self.state, a, &mut self.services, now());
        self
    }

    fn signed_in_report(&mut self) -> &mut Self {
        if self.state.session.is_some() {
            return self.act(Action::OpenReport);
        }
        self.act(Action::OpenReport)
            .act(Action::SelectDelegue(rpps(DELEGUE)));
        for c in PIN.chars() {
            self.act(Action::PinDigit(c));
        }
        self.act(Action::SubmitPin).past_the_survey()
    }

    /// The quarter's questionnaire comes first after the PIN: Escape goes
    /// on to the screen asked for, recording nothing.
    fn past_the_survey(&mut self) -> &mut Self {
        assert!(
            matches!(self.state.screen, Screen::Enquete(_)),
            "{}",
            self.state.screen.title()
        );
        self.act(Action::Escape)
    }

    fn form(&self) -> &ReportForm {
        match &self.state.screen {
            Screen::Rapport(f) => f,
            other => panic!("pas sur le rapport : {}", other.title()),
        }
    }

    fn error(&self) -> String {
        match &self.state.message {
            Some(Message::Error(e)) => e.clone(),
            other => panic!("pas d'erreur : {other:?}"),
        }
    }
}

#[test]
fn provisional_then_closed_after_confirmation_then_exported() {
    let dir = tempfile::tempdir().unwrap();
    ledger_with_acts(dir.path());
    let mut k = Kiosk::new(dir.path());
    k.signed_in_report();

    // October, finished and still open, is the month to report.
    let f = k.form();
    assert_eq!(f.month, month("2026-10"));
    assert_eq!(f.status, MonthStatus::Open);
    assert_eq!(f.close_refusal, None);
    let r = f.report.as_deref().unwrap();
    assert_eq!(
        (r.indicators.screenings, r.indicators.prises_en_charge),
        (3, 2)
    );
    assert_eq!(r.remuneration.total_cents, 2 * 2500);
    // Friday 9 and Saturday 10 October.
    assert_eq!(r.indicators.friday_saturday_holiday_eve, 2);
    assert!(k.services.ledger.closures().unwrap().is_empty());

    // A provisional report never leaves the device.
    let usb = dir.path().join("usb");
    std::fs::create_dir(&usb).unwrap();
    k.act(Action::Edit(Field::ExportDir, usb.display().to_string()));
    k.act(Action::Export(Format::Json));
    assert!(k.error().contains("clôturé"), "{}", k.error());
    assert_eq!(std::fs::read_dir(&usb).unwrap().count(), 0);

    // Closing needs two taps; the first alone writes nothing.
    k.act(Action::ConfirmCloseMonth);
    assert!(k.services.ledger.closures().unwrap().is_empty());
    k.act(Action::StartCloseMonth).act(Action::CancelCloseMonth);
    k.act(Action::ConfirmCloseMonth);
    assert!(k.services.ledger.closures().unwrap().is_empty());
    k.act(Action::StartCloseMonth)
        .act(Action::ConfirmCloseMonth);
    let closures = k.services.ledger.closures().unwrap();
    assert_eq!(closures.len(), 1);
    assert_eq!(closures[0].1.month, "2026-10");
    let f = k.form();
    assert_eq!(f.status, MonthStatus::Closed);
    assert!(
        matches!(&k.state.message, Some(Message::Info(m)) if m.contains("Octobre 2026 est clôturé"))
    );
    // The export folder typed earlier is kept.
    assert_eq!(f.export_dir, usb.display().to_string());
    let shown = f.report.as_deref().unwrap().clone();
    assert!(!shown.content_sha256.is_empty());

    for format in [Format::Json, Format::Csv, Format::Pdf] {
        k.act(Action::Export(format));
        assert!(
            matches!(&k.state.message, Some(Message::Info(m)) if m.contains("Rapport enregistré")),
            "{:?}",
            k.state.message
        );
    }
    let json_path = usb.join(report::file_name(&shown, Format::Json));
    let back = report::json::parse_checked(&std::fs::read(&json_path).unwrap()).unwrap();
    // What was exported is what the CLI gives for the closed month.
    assert_eq!(back, shown);
    let cli =
        report::final_report(&k.services.ledger, &validated_protocol(), month("2026-10")).unwrap();
    assert_eq!(back.content_sha256, cli.content_sha256);
    let csv = std::fs::read(usb.join(report::file_name(&shown, Format::Csv))).unwrap();
    assert!(csv.starts_with(b"\xEF\xBB\xBF"));
    let pdf = std::fs::read(usb.join(report::file_name(&shown, Format::Pdf))).unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&json_path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    // A relative path would land wherever the kiosk was started from.
    k.act(Action::Edit(Field::ExportDir, "rapports".into()));
    k.act(Action::Export(Format::Csv));
    assert!(k.error().contains("chemin complet"), "{}", k.error());

    // A folder that does not exist (USB key pulled out) is not created.
    let gone = dir.path().join("clé-retirée");
    k.act(Action::Edit(Field::ExportDir, gone.display().to_string()));
    k.act(Action::Export(Format::Csv));
    assert!(k.error().contains("n'existe pas"), "{}", k.error());
    assert!(!gone.exists());

    // November is not over: provisional, and closing is not offered.
    k.act(Action::ShowMonth(month("2026-11")));
    let f = k.form();
    assert_eq!(f.status, MonthStatus::Open);
    assert!(
        f.close_refusal
            .as_deref()
            .is_some_and(|m| m.contains("n'est pas terminé")),
        "{:?}",
        f.close_refusal
    );
    assert_eq!(f.report.as_deref().unwrap().indicators.screenings, 1);
    k.act(Action::StartCloseMonth)
        .act(Action::ConfirmCloseMonth);
    assert_eq!(k.services.ledger.closures().unwrap().len(), 1);
}

/// Nothing to close: the screen opens on the last month with acts (here
/// the current one, a preview that cannot be closed yet), never on an
/// empty month offered for closure.
#[test]
fn with_no_month_to_close_it_opens_on_the_last_month_with_acts() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut l = setup_ledger(dir.path(), t("2026-09-01T08:00:00Z"));
        let p = attach(&mut l, t("2026-09-01T08:00:00Z"));
        let input = abscess_input(json!({"occurred_at": "2026-11-20T08:00:00Z"}));
        record(&mut l, &p, &input, t("2026-11-20T08:00:00Z")).unwrap();
    }
    let mut k = Kiosk::new(dir.path());
    k.signed_in_report();
    assert_eq!(k.form().month, month("2026-11"));
    assert!(k.form().close_refusal.is_some(), "November is not over");
    k.act(Action::StartCloseMonth);
    assert!(!k.form().confirm_close);
    assert_eq!(k.services.ledger.acts(None).unwrap().len(), 1);
}

/// An empty ledger: the current month, with nothing offered to close.
#[test]
fn an_empty_ledger_opens_on_the_current_month() {
    let dir = tempfile::tempdir().unwrap();
    drop(setup_ledger(dir.path(), t("2026-09-01T08:00:00Z")));
    let mut k = Kiosk::new(dir.path());
    k.signed_in_report();
    assert_eq!(k.form().month, month("2026-11"));
    assert!(k.form().close_refusal.is_some());
}

#[test]
fn an_earlier_open_month_is_reported_first() {
    let dir = tempfile::tempdir().unwrap();
    ledger_with_acts(dir.path());
    {
        let mut l =
            protocoop::vault::open_ledger(dir.path(), "phrase de passe de test", now()).unwrap();
        let input = abscess_input(json!({"occurred_at": "2026-09-15T08:00:00Z"}));
        record(&mut l, &validated_protocol(), &input, now()).unwrap();
    }
    let mut k = Kiosk::new(dir.path());
    k.signed_in_report();
    assert_eq!(k.form().month, month("2026-09"));
    k.act(Action::ShowMonth(month("2026-10")));
    let refusal = k.form().close_refusal.clone().unwrap();
    // September's act is not counted as one of October's late entries: it
    // will be in September's own report.
    let october = k.form().report.as_deref().unwrap();
    assert_eq!(october.late_entries.count, 0);
    assert_eq!(october.remuneration.total_cents, 2 * 2500);
    assert!(
        refusal.starts_with("Septembre 2026 compte des actes"),
        "{refusal}"
    );
    // The default export folder is the data folder's « rapports », created
    // private on first export.
    k.act(Action::ShowMonth(month("2026-09")))
        .act(Action::StartCloseMonth)
        .act(Action::ConfirmCloseMonth);
    let default = dir.path().join("rapports");
    if k.form().drives.is_empty() {
        assert_eq!(k.form().export_dir, default.display().to_string());
        k.act(Action::Export(Format::Csv));
        assert!(default.is_dir(), "{:?}", k.state.message);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&default).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o700);
        }
    }
}

mod window {
    use super::*;
    use kiosk_support::{harness, replace_text, shows, tap, type_keys};

    #[test]
    fn from_accueil_to_an_exported_csv() {
        let dir = tempfile::tempdir().unwrap();
        ledger_with_acts(dir.path());
        let usb = dir.path().join("usb");
        std::fs::create_dir(&usb).unwrap();
        let clock = FixedClock::new(now());
        let mut h = harness(dir.path(), &clock, validated_protocol());
        tap(&mut h, "Rapport du mois");
        tap(&mut h, "Marie Durand");
        type_keys(&mut h, "274915");
        tap(&mut h, "Valider");
        // The quarter's questionnaire first, put off.
        tap(&mut h, "Plus tard");
        assert!(shows(&h, "Chiffres provisoires"));
        assert!(shows(&h, "Octobre 2026"));
        // The chart's figures, Monday first: Friday 1, Saturday 1.
        assert!(shows(
            &h,
            "Prises en charge par jour : lundi 0, mardi 0, mercredi 0, jeudi 0, vendredi 1, samedi 1, dimanche 0"
        ));
        tap(&mut h, "Clôturer le mois et produire le rapport");
        tap(&mut h, "Confirmer la clôture");
        assert!(shows(&h, "Rapport définitif"));
        // Replace the default folder by the key's.
        replace_text(&mut h, "Dossier ou clé USB", &usb.display().to_string());
        tap(&mut h, "Exporter CSV");
        assert!(
            shows(&h, "Rapport enregistré"),
            "{:?}",
            h.state().state.message
        );
        let files: Vec<_> = std::fs::read_dir(&usb)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(files.len(), 1, "{files:?}");
        assert!(files[0].starts_with("protocoop-rapport-2026-10-"));
        assert!(files[0].ends_with(".csv"));
    }
}

#[test]
fn a_closure_refused_at_confirmation_shows_why_and_asks_again() {
    let dir = tempfile::tempdir().unwrap();
    ledger_with_acts(dir.path());
    let mut k = Kiosk::new(dir.path());
    k.signed_in_report();
    k.act(Action::StartCloseMonth);
    assert!(k.form().confirm_close);
    // Meanwhile a deferred act of September is entered (another session).
    {
        let mut l =
            protocoop::vault::open_ledger(dir.path(), "phrase de passe de test", now()).unwrap();
        let input = abscess_input(json!({"occurred_at": "2026-09-15T08:00:00Z"}));
        record(&mut l, &validated_protocol(), &input, now()).unwrap();
    }
    k.act(Action::ConfirmCloseMonth);
    assert!(
        k.error().starts_with("Septembre 2026 compte des actes"),
        "{}",
        k.error()
    );
    assert!(k.services.ledger.closures().unwrap().is_empty());
    let f = k.form();
    assert_eq!(f.month, month("2026-10"));
    assert!(!f.confirm_close);
    assert!(f.close_refusal.is_some());
}

#[test]
fn a_closure_backs_up_to_the_folder_set_in_reglages() {
    let dir = tempfile::tempdir().unwrap();
    ledger_with_acts(dir.path());
    let mut k = Kiosk::new(dir.path());
    // Réglages, after the PIN.
    k.act(Action::OpenSettings)
        .act(Action::SelectDelegue(rpps(DELEGUE)));
    for c in PIN.chars() {
        k.act(Action::PinDigit(c));
    }
    k.act(Action::SubmitPin).past_the_survey();
    assert!(
        matches!(k.state.screen, Screen::Reglages(_)),
        "{:?}",
        k.state.message
    );
    k.act(Action::Edit(Field::BackupFolder, "partage".into()))
        .act(Action::SetBackupFolder(true));
    assert!(k.error().contains("chemin complet"), "{}", k.error());
    let share = tempfile::tempdir().unwrap();
    k.act(Action::Edit(
        Field::BackupFolder,
        share.path().display().to_string(),
    ))
    .act(Action::SetBackupFolder(true));
    assert!(
        matches!(&k.state.message, Some(Message::Info(m)) if m.contains("Chaque clôture")),
        "{:?}",
        k.state.message
    );

    k.act(Action::Home).signed_in_report();
    k.act(Action::StartCloseMonth)
        .act(Action::ConfirmCloseMonth);
    assert!(
        matches!(&k.state.message, Some(Message::Info(m)) if m.contains("Sauvegarde faite")),
        "{:?}",
        k.state.message
    );
    let files: Vec<_> = std::fs::read_dir(share.path()).unwrap().collect();
    assert_eq!(files.len(), 1);
    assert!(k.state.last_backup.is_some(), "Réglages shows the date");
}
