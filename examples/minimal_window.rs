//! The reference for the startup benchmark (`benches/startup.sh`,
//! docs/BENCHMARKS.md): the smallest eframe window built with the kiosk's
//! features and options — glow renderer, 1280×800 viewport, one label.
//!
//! With `PROTOCOOP_EXIT_AFTER_FIRST_FRAME` set it closes once its first
//! frame is on screen, exactly as the kiosk does.
//!
//! ```text
//! cargo run --release --example minimal_window
//! ```

use eframe::egui;

struct Minimal {
    exit_after_first_frame: bool,
}

impl eframe::App for Minimal {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        egui::CentralPanel::default().show(ui, |ui| {
            ui.label("Bonjour");
        });
        if self.exit_after_first_frame {
            // Handled by eframe after this frame is painted and swapped.
            ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }
}

fn main() -> eframe::Result {
    let viewport = egui::ViewportBuilder::default()
        .with_title("minimal")
        .with_inner_size([1280.0, 800.0])
        .with_min_inner_size([800.0, 600.0]);
    let options = eframe::NativeOptions {
        viewport,
        renderer: eframe::Renderer::Glow,
        ..Default::default()
    };
    let exit_after_first_frame = std::env::var_os("PROTOCOOP_EXIT_AFTER_FIRST_FRAME").is_some();
    eframe::run_native(
        "minimal",
        options,
        Box::new(move |_cc| {
            Ok(Box::new(Minimal {
                exit_after_first_frame,
            }))
        }),
    )
}
