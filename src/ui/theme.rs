//! Sizes and colours for a counter or a 10-inch tablet read at arm's length
//! with gloves on: touch targets ≥ 48 px, body text ≥ 18 pt.

use eframe::egui;
use egui::{Color32, FontFamily, FontId, TextStyle, Vec2};

/// Minimum height and width of anything that can be touched.
pub const TARGET: f32 = 56.0;
pub const BODY: f32 = 24.0;
pub const SMALL: f32 = 20.0;
pub const HEADING: f32 = 32.0;
pub const HUGE: f32 = 64.0;

pub const PRIMARY: Color32 = Color32::from_rgb(0, 92, 160);
pub const ON_PRIMARY: Color32 = Color32::WHITE;
pub const DANGER: Color32 = Color32::from_rgb(196, 0, 0);
pub const SELECTED: Color32 = Color32::from_rgb(210, 230, 250);
pub const TRAINING_BG: Color32 = Color32::from_rgb(255, 214, 102);
pub const TRAINING_FG: Color32 = Color32::from_rgb(60, 40, 0);
pub const ERROR_BG: Color32 = Color32::from_rgb(253, 226, 226);
pub const INFO_BG: Color32 = Color32::from_rgb(224, 242, 228);
pub const MUTED: Color32 = Color32::from_rgb(70, 70, 70);
/// Placeholder text in an empty field: light and italic, never mistaken
/// for a value typed.
pub const HINT: Color32 = Color32::from_rgb(150, 150, 150);

/// Applies the kiosk look to every theme (light is used: counters are bright).
pub fn apply(ctx: &egui::Context) {
    ctx.set_theme(egui::Theme::Light);
    // Whatever the system or a test harness prefers, the kiosk stays light.
    ctx.set_visuals_of(egui::Theme::Dark, egui::Visuals::light());
    ctx.all_styles_mut(|style| {
        style.text_styles = [
            (
                TextStyle::Heading,
                FontId::new(HEADING, FontFamily::Proportional),
            ),
            (TextStyle::Body, FontId::new(BODY, FontFamily::Proportional)),
            (
                TextStyle::Button,
                FontId::new(BODY, FontFamily::Proportional),
            ),
            (
                TextStyle::Small,
                FontId::new(SMALL, FontFamily::Proportional),
            ),
            (
                TextStyle::Monospace,
                FontId::new(BODY, FontFamily::Monospace),
            ),
        ]
        .into();
        style.spacing.interact_size = Vec2::new(TARGET, TARGET);
        style.spacing.button_padding = Vec2::new(16.0, 10.0);
        style.spacing.item_spacing = Vec2::new(12.0, 12.0);
        style.visuals.selection.bg_fill = SELECTED;
        style.visuals.widgets.noninteractive.fg_stroke.color = Color32::from_gray(20);
        style.animation_time = 0.0;
        // A solid scroll bar, wide enough for a finger, shows wherever a
        // screen is longer than the window: the cue that there is more
        // below (egui's floating bars only appear under a mouse).
        style.spacing.scroll = egui::style::ScrollStyle::solid();
        style.spacing.scroll.bar_width = 18.0;
    });
}
