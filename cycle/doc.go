// Package cycle runs one week of the customer-success cycle on a book of
// customers: the glue every program running the library week after week
// would otherwise write. It is the "plan, do, check, act" loop of the
// subscription customer-service article (サブスクリプションで顧客満足を高めるカスタマーサービス像とは,
// "The customer service that raises satisfaction in subscriptions", undated):
// read the week's data, score it against the last weeks, move tiers without
// flapping, fire plays respecting what was already done, plan within the
// team's capacity, and measure what the plays did.
//
// # API
//
// [New] compiles a [Config] (the scorecard, touch policy, playbook and
// capacities) into a [Cycle]; [Cycle.Run] runs one week from an [Input] (the
// week's customers and files) and a [Prior] (what the previous runs left: the
// scores, touch states, customers, overrides and playbook [playbook.History]),
// gives each result to a [Sink] as it is computed, and returns a [Result]:
// the [Report] of the week, the History after it with what changed, and the
// plan. [Cycle.Reads], [HealthReads], [TouchReads] and [PlaybookReads] declare
// the inputs each measure, rule and play reads; a run reports in
// [Report.Unread] those no customer has ([Config.Strict] makes them an error,
// [ErrUnread]).
//
// # The steps
//
// Effort runs first (the scorecard reads its signals friction, fcr_rate and
// ces), then health with each customer's trend over its stored scores, then
// touch from the stored touch states (hysteresis, owners), then the playbook
// from the stored History (overdue tasks expire first; cooldowns, dedupe and
// re-entry read the past fires), then the plan of every open task within
// capacity (a deferred task stays open and is planned first next week), then
// retention from the MRR file. Outcomes of the plays fired OutcomeDays ago are
// measured on the way, for playbook.Assess.
//
// # Design
//
// A week streams: the customers are read twice from [Input.Customers] (once
// for effort, health and the touch accounts, once, when tiers are known, for
// the playbook), never held. Between and after the passes the run keeps a few
// words per customer (ID, name, MRR in minor units, score, grade, tier and
// flags) in a table sorted by ID, into which the sequences of the Prior,
// sorted by ID as a store lists them, are merged in one pass each. The lists
// of the report are bounded heaps with complete counts. What grows with the
// book beyond that compact state is what the library steps themselves hold: the
// touch accounts while they are assigned, the effort and retention inputs, the
// fired tasks and the History.
//
// The package imports no store: a store's run transaction satisfies [Sink],
// and its listings become the sequences of [Prior] (see the successkit
// command). Nothing reads the clock or global state, and Run takes a context,
// so it runs as well inside an HTTP handler as in a command.
//
// # Determinism
//
// The same Input and Prior give the same Result and the same calls to the
// Sink, whatever the order of the records in the input: rows are sorted by ID,
// lists are ranked with ties broken by ID, floats are summed in sorted order,
// and the steps are themselves order-independent.
package cycle
