//! Every built-in plugin's `create` refuses what its declared `min`/`max`
//! refuse, for callers that bypass the host's checks (one test for all
//! plugins, through their own code).

use copydesk_core::{OptionType, Options, Plugin};

fn create_refuses_values_outside_the_declared_bounds<P: Plugin>() {
    for stage in P::stages() {
        let defaults: serde_json::Map<String, serde_json::Value> = stage
            .options
            .iter()
            .map(|o| (o.name.clone(), o.default.clone()))
            .collect();
        for o in &stage.options {
            let integer = o.ty == OptionType::Integer;
            let step = if integer { 1.0 } else { 0.01 };
            for bad in [o.min.map(|m| m - step), o.max.map(|m| m + step)]
                .into_iter()
                .flatten()
            {
                let mut options = Options(defaults.clone());
                let value = if integer {
                    serde_json::Value::from(bad as i64)
                } else {
                    serde_json::Value::from(bad)
                };
                options.0.insert(o.name.clone(), value);
                assert!(
                    P::create(&stage.name, &options).is_err(),
                    "{}: {} = {bad} is outside the declared bounds, yet create accepts it",
                    P::NAME,
                    o.name
                );
            }
        }
    }
}

#[test]
fn dedup() {
    create_refuses_values_outside_the_declared_bounds::<copydesk_dedup::DedupPlugin>();
}

#[test]
fn summary() {
    create_refuses_values_outside_the_declared_bounds::<copydesk_summary::SummaryPlugin>();
}

#[test]
fn quotes() {
    create_refuses_values_outside_the_declared_bounds::<copydesk_quotes::QuotesPlugin>();
}

#[test]
fn parse() {
    create_refuses_values_outside_the_declared_bounds::<copydesk_parse::ParsePlugin>();
}
