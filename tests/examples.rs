//! Runs the examples the README points at, against the emulator: the quickstart, the custom
//! token store, and the tour (one example per area).

#[path = "../examples/custom_store.rs"]
mod custom_store;
#[path = "../examples/quickstart.rs"]
mod quickstart;
#[path = "../examples/tour.rs"]
mod tour;

#[tokio::test]
async fn the_quickstart_runs() {
    quickstart::run().await.unwrap();
}

#[tokio::test]
async fn the_custom_store_example_runs() {
    custom_store::run().await.unwrap();
}

#[tokio::test]
async fn the_readme_tour_runs() {
    tour::run().await.unwrap();
}
