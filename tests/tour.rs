//! Runs the README's tour (examples/tour.rs), one example per area, against the emulator.

#[path = "../examples/tour.rs"]
mod tour;

#[tokio::test]
async fn the_readme_tour_runs() {
    tour::run().await.unwrap();
}
