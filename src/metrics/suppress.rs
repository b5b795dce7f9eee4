//! Small-cell suppression for reports that leave the clinic (SPEC "Reports that leave the
//! clinic"): the one step that maps a report's summary to its shareable form. A count from 1
//! to `min_cell − 1` is hidden, and so is every figure computed over fewer than `min_cell`
//! sessions or from which a hidden count could be worked out (a share whose part or rest is
//! small, a group's minutes and revenue, a low-sample flag). Within each list of groups, when
//! exactly one member is hidden the next smallest goes too, so no hidden count follows from
//! the total. Zeros are shown; totals stay when they are at least `min_cell`.
//!
//! The renderers know nothing of the rule: they print what the summary holds (a hidden count
//! as `<11`, a missing figure as a dash) and say `suppressed_below` on the first page.

use super::cell::{Cell, Count};
use super::groups::{Group, Totals};
use super::locations::LocationGroup;
use super::monthly::{Attendance, Changes, Comparison, Monthly, Previous, Value, COMPARED};
use super::outcomes::{ImmediateChange, Outcomes, PainReduction, Responders, Soreness};
use super::techniques::{Adjusted, RateCell, TechniqueRow, Techniques};
use super::therapists::{Retention, TherapistRow, Therapists};
use super::trends::{Cohort, CourseStep, KmStep, MonthFigures, Returned, Trends};
use super::{Accounts, FileAccount};

/// The monthly report's shareable form.
pub fn monthly(m: &Monthly, min_cell: u64) -> Monthly {
    let r = Rule::new(min_cell);
    let totals = r.totals(&m.totals);
    let overall = r.outcomes(&m.overall, m.totals.feedback_responses);
    let previous = Previous {
        period: m.previous.period,
        totals: r.totals(&m.previous.totals),
        overall: r.outcomes(&m.previous.overall, m.previous.totals.feedback_responses),
    };
    let mut by_therapist = r.groups(&m.by_therapist);
    // Not-attended bookings by therapist add up to the month's: one list.
    let missed = r.list(
        by_therapist
            .iter()
            .map(|g| g.not_attended.unwrap_or_default()),
    );
    for (g, hide) in by_therapist.iter_mut().zip(missed) {
        if hide {
            g.not_attended = g.not_attended.map(|_| r.gone());
        }
    }
    Monthly {
        period: m.period,
        changes: Changes::between((&totals, &overall), (&previous.totals, &previous.overall)),
        comparisons: m
            .comparisons
            .iter()
            .map(|c| {
                r.comparison(
                    c,
                    (&totals, &overall),
                    (&previous.totals, &previous.overall),
                )
            })
            .collect(),
        totals,
        previous,
        overall,
        by_technique: r.groups(&m.by_technique),
        by_therapist,
        by_region: {
            let hide = r.list(m.by_region.iter().map(|g| g.sessions));
            m.by_region
                .iter()
                .zip(hide)
                .map(|(g, hide)| super::monthly::RegionCount {
                    region: g.region.clone(),
                    sessions: r.keep(g.sessions, hide),
                })
                .collect()
        },
        by_day: {
            let hide = r.list(m.by_day.iter().map(|d| d.sessions));
            m.by_day
                .iter()
                .zip(hide)
                .map(|(d, hide)| super::monthly::DayCount {
                    date: d.date,
                    sessions: r.keep(d.sessions, hide),
                })
                .collect()
        },
        by_location: m.by_location.as_deref().map(|l| r.locations(l)),
        location: m.location.clone(),
        attendance: m.attendance.as_ref().map(|a| r.attendance(a)),
        has_regions: m.has_regions,
        data_quality: r.accounts(&m.data_quality),
        suppressed_below: Some(min_cell),
    }
}

/// The trends report's shareable form.
pub fn trends(tr: &Trends, min_cell: u64) -> Trends {
    let r = Rule::new(min_cell);
    let gone_months = r.list(tr.months.iter().map(|m| m.sessions));
    // New clients by month add up to the window's: one list, with the months already gone;
    // the retention cohorts are the same clients, so a month hidden in either is hidden in both.
    let new_of_months = r.list(
        tr.months
            .iter()
            .zip(&gone_months)
            .map(|(m, &gone)| r.keep(m.new_clients, gone)),
    );
    // One cohort per month of the window, in the same order.
    let new_of_cohorts = r.list(tr.retention.iter().map(|c| c.new_clients));
    let new_hidden: Vec<bool> = new_of_months
        .iter()
        .zip(&new_of_cohorts)
        .map(|(&m, &c)| m || c)
        .collect();
    let months = tr
        .months
        .iter()
        .zip(gone_months.iter().zip(&new_hidden))
        .map(|(m, (&gone, &new))| r.month(m, gone, new))
        .collect();
    let retention = tr
        .retention
        .iter()
        .zip(&new_hidden)
        .map(|(c, &new)| r.cohort(c, new))
        .collect();
    let course: Vec<CourseStep> = tr.course.iter().map(|s| r.course_step(s)).collect();
    Trends {
        period: tr.period,
        months,
        sessions: r.count(tr.sessions),
        retention,
        majority_improved_at: tr.majority_improved_at.filter(|&k| {
            course
                .iter()
                .any(|s| s.visit == k && s.rate.is_some() && !s.low_sample.is_hidden())
        }),
        course,
        course_km: tr.course_km.iter().map(|s| r.km_step(s)).collect(),
        location: tr.location.clone(),
        data_quality: r.accounts(&tr.data_quality),
        suppressed_below: Some(min_cell),
    }
}

/// The technique comparison's shareable form.
pub fn techniques(t: &Techniques, min_cell: u64) -> Techniques {
    let r = Rule::new(min_cell);
    let groups: Vec<Group> = t.techniques.iter().map(|row| row.group.clone()).collect();
    let shown = r.groups(&groups);
    let all = &t.overall.responders;
    let responses = Cell::Shown(groups.iter().map(|g| g.feedback_responses.value()).sum());
    let techniques = t
        .techniques
        .iter()
        .zip(shown)
        .map(|(row, group)| {
            let gone = group.sessions.is_hidden();
            let mine = &row.group.outcomes.responders;
            let (x, n) = (mine.responders.value(), mine.eligible.value());
            let (ox, on) = (
                all.responders.value().saturating_sub(x),
                all.eligible.value().saturating_sub(n),
            );
            let others_small = r.small(on) || r.small(ox) || r.small(on.saturating_sub(ox));
            let rate_gone = group.outcomes.responders.rate.is_none();
            TechniqueRow {
                baseline_pain: row.baseline_pain.filter(|_| !gone),
                vs_others: row.vs_others.filter(|_| !rate_gone && !others_small),
                adjusted: r.adjusted(&row.adjusted, gone, rate_gone),
                group,
            }
        })
        .collect::<Vec<_>>();
    let practice_bands = r.bands(&t.practice_bands, false);
    Techniques {
        period: t.period,
        sessions: r.count(t.sessions),
        overall: r.outcomes(&t.overall, responses),
        matrix: r.matrix(&t.matrix, &techniques),
        techniques,
        regions: t.regions.clone(),
        band_weights: t
            .band_weights
            .filter(|_| practice_bands.iter().all(|b| !b.eligible.is_hidden())),
        practice_bands,
        has_regions: t.has_regions,
        data_quality: r.accounts(&t.data_quality),
        suppressed_below: Some(min_cell),
    }
}

/// The staff reviews' shareable form.
pub fn therapists(t: &Therapists, min_cell: u64) -> Therapists {
    let r = Rule::new(min_cell);
    let groups: Vec<Group> = t.therapists.iter().map(|row| row.group.clone()).collect();
    let shown = r.groups(&groups);
    let gone: Vec<bool> = shown.iter().map(|g| g.sessions.is_hidden()).collect();
    // Columns that add up to the practice's: a list each, with the therapists already gone.
    let column = |of: &dyn Fn(&TherapistRow) -> Count| {
        r.list(
            t.therapists
                .iter()
                .zip(&gone)
                .map(|(row, &g)| r.keep(of(row), g)),
        )
    };
    let missed = column(&|row| row.not_attended.unwrap_or_default());
    let new = column(&|row| row.retention.new_clients);
    let therapists = t
        .therapists
        .iter()
        .zip(shown)
        .enumerate()
        .map(|(i, (row, group))| {
            let g = gone[i];
            let rate_gone = group.outcomes.responders.rate.is_none();
            let named = |list: &[(String, Count)]| {
                let hide = r.list(list.iter().map(|(_, n)| r.keep(*n, g)));
                list.iter()
                    .zip(hide)
                    .map(|((name, n), hide)| (name.clone(), r.keep(*n, hide)))
                    .collect()
            };
            let mut retention = r.retention(&row.retention, g);
            if new[i] {
                retention.new_clients = r.gone();
            }
            TherapistRow {
                adjusted: r.adjusted(&row.adjusted, g, rate_gone),
                not_attended: row.not_attended.map(|n| r.keep(n, missed[i])),
                retention,
                techniques: named(&row.techniques),
                regions: named(&row.regions),
                by_month: {
                    let hide = r.list(row.by_month.iter().map(|&n| r.keep(n, g)));
                    row.by_month
                        .iter()
                        .zip(hide)
                        .map(|(&n, hide)| r.keep(n, hide))
                        .collect()
                },
                group,
            }
        })
        .collect();
    let practice_bands = r.bands(&t.practice_bands, false);
    Therapists {
        period: t.period,
        totals: r.totals(&t.totals),
        overall: r.outcomes(&t.overall, t.totals.feedback_responses),
        band_weights: t
            .band_weights
            .filter(|_| practice_bands.iter().all(|b| !b.eligible.is_hidden())),
        practice_bands,
        not_attended: t.not_attended.map(|n| r.count(n)),
        retention: r.retention(&t.retention, false),
        months: t.months.clone(),
        by_month: {
            let hide = r.list(t.by_month.iter().copied());
            t.by_month
                .iter()
                .zip(hide)
                .map(|(&n, hide)| r.keep(n, hide))
                .collect()
        },
        therapists,
        has_regions: t.has_regions,
        data_quality: r.accounts(&t.data_quality),
        suppressed_below: Some(min_cell),
    }
}

/// For each count of one list of groups: whether it is hidden. A count already hidden stays
/// hidden; a count from 1 to `min_cell − 1` is hidden; when exactly one member is hidden, the
/// next smallest shown count goes too (zeros stay: nothing follows from them).
pub fn hidden(counts: &[Count], min_cell: u64) -> Vec<bool> {
    let small = |c: Count| match c {
        Cell::Shown(n) => n >= 1 && n < min_cell,
        Cell::Hidden { .. } => true,
    };
    let mut out: Vec<bool> = counts.iter().map(|&c| small(c)).collect();
    if out.iter().filter(|&&h| h).count() == 1 {
        if let Some(i) = (0..counts.len())
            .filter(|&i| !out[i] && counts[i].value() > 0)
            .min_by_key(|&i| (counts[i].value(), i))
        {
            out[i] = true;
        }
    }
    out
}

/// The rule of one shareable copy: `below` is `min_cell`.
#[derive(Debug, Clone, Copy)]
struct Rule {
    below: u64,
}

impl Rule {
    fn new(min_cell: u64) -> Rule {
        Rule { below: min_cell }
    }

    fn small(self, n: u64) -> bool {
        n >= 1 && n < self.below
    }

    fn gone<T>(self) -> Cell<T> {
        Cell::Hidden { below: self.below }
    }

    /// A count on its own: hidden when small.
    fn count(self, c: Count) -> Count {
        match c {
            Cell::Shown(n) if self.small(n) => self.gone(),
            c => c,
        }
    }

    /// A count of a group hidden whole: hidden, but a zero stays (nothing follows from it).
    fn unless_zero(self, c: Count) -> Count {
        self.keep(c, c != 0)
    }

    /// A responder block of a group hidden whole.
    fn gone_responders(self, r: &Responders) -> Responders {
        Responders {
            eligible: self.unless_zero(r.eligible),
            responders: self.unless_zero(r.responders),
            rate: None,
            ci95_low: None,
            ci95_high: None,
        }
    }

    /// `c`, or hidden when `hide`.
    fn keep<T>(self, c: Cell<T>, hide: bool) -> Cell<T> {
        if hide {
            self.gone()
        } else {
            c
        }
    }

    fn list(self, counts: impl IntoIterator<Item = Count>) -> Vec<bool> {
        hidden(&counts.into_iter().collect::<Vec<_>>(), self.below)
    }

    /// Part `x` of `n` (responders of the eligible, returned of the new clients …): hidden
    /// when small, when `n` is hidden, or when the rest `n − x` is small (it would follow).
    fn part(self, x: Count, n: Count) -> Count {
        match (x, n) {
            (Cell::Shown(x), Cell::Shown(n)) if !self.small(x) && !self.small(n - x.min(n)) => {
                Cell::Shown(x)
            }
            _ => self.gone(),
        }
    }

    /// A share of `n` known only as the share (the part is not in the summary): kept when
    /// neither the part nor the rest is small.
    fn share_of(self, n: Count, share: Option<f64>) -> Option<f64> {
        let n = n.shown().filter(|&n| !self.small(n))?;
        let x = (share? * n as f64).round() as u64;
        share.filter(|_| !self.small(x) && !self.small(n - x.min(n)))
    }

    fn totals(self, t: &Totals) -> Totals {
        let sessions = self.count(t.sessions);
        let gone = sessions.is_hidden();
        // New and returning clients add up to the clients: one list.
        let split = self.list([
            self.keep(t.new_clients, gone),
            self.keep(t.returning_clients, gone),
        ]);
        let responses = self.part(t.feedback_responses, t.sessions);
        Totals {
            sessions,
            clients: self.keep(self.count(t.clients), gone),
            new_clients: self.keep(t.new_clients, split[0]),
            returning_clients: self.keep(t.returning_clients, split[1]),
            clients_multi_session: self.keep(self.count(t.clients_multi_session), gone),
            minutes: self.keep(t.minutes, gone),
            revenue: t.revenue.filter(|_| !gone),
            feedback_responses: responses,
            feedback_response_rate: t.feedback_response_rate.filter(|_| !responses.is_hidden()),
        }
    }

    /// An outcome block over `responses` sessions with feedback.
    fn outcomes(self, o: &Outcomes, responses: Count) -> Outcomes {
        let s = &o.soreness;
        let soreness = match self.count(s.n) {
            n @ Cell::Hidden { .. } => Soreness {
                n,
                mean: None,
                median: None,
                p90: None,
                over_48h_share: None,
            },
            n => Soreness {
                n,
                over_48h_share: self.share_of(n, s.over_48h_share),
                ..s.clone()
            },
        };
        let p = &o.pain_reduction;
        let pain_reduction = match self.count(p.n) {
            n @ Cell::Hidden { .. } => PainReduction {
                n,
                mean: None,
                sd: None,
                ci95_low: None,
                ci95_high: None,
            },
            n => PainReduction { n, ..p.clone() },
        };
        let responders = self.responders(&o.responders);
        let immediate_change = match self.count(o.immediate_change.n) {
            n @ Cell::Hidden { .. } => ImmediateChange { n, mean: None },
            n => ImmediateChange {
                n,
                mean: o.immediate_change.mean,
            },
        };
        let few_answers = self.count(responses).is_hidden();
        Outcomes {
            low_sample: self.keep(o.low_sample, responders.eligible.is_hidden()),
            soreness,
            pain_reduction,
            responders,
            immediate_change,
            satisfaction_mean: o.satisfaction_mean.filter(|_| !few_answers),
            mobility_improved_share: if few_answers {
                None
            } else {
                self.share_of(responses, o.mobility_improved_share)
            },
        }
    }

    fn responders(self, r: &Responders) -> Responders {
        let eligible = self.count(r.eligible);
        let responders = self.part(r.responders, eligible);
        if responders.is_hidden() {
            Responders {
                eligible,
                responders,
                rate: None,
                ci95_low: None,
                ci95_high: None,
            }
        } else {
            r.clone()
        }
    }

    /// A group hidden whole (every count, figure and flag).
    fn gone_group(self, g: &Group) -> Group {
        let o = &g.outcomes;
        Group {
            name: g.name.clone(),
            sessions: self.gone(),
            clients: self.gone(),
            minutes: self.gone(),
            revenue: None,
            feedback_responses: self.gone(),
            outcomes: Outcomes {
                soreness: Soreness {
                    n: self.unless_zero(o.soreness.n),
                    mean: None,
                    median: None,
                    p90: None,
                    over_48h_share: None,
                },
                pain_reduction: PainReduction {
                    n: self.unless_zero(o.pain_reduction.n),
                    mean: None,
                    sd: None,
                    ci95_low: None,
                    ci95_high: None,
                },
                responders: self.gone_responders(&o.responders),
                immediate_change: ImmediateChange {
                    n: self.unless_zero(o.immediate_change.n),
                    mean: None,
                },
                satisfaction_mean: None,
                mobility_improved_share: None,
                low_sample: self.gone(),
            },
            not_attended: g.not_attended.map(|_| self.gone()),
        }
    }

    /// A list of groups (techniques, therapists, sites): the list rule on their sessions and
    /// on their sessions with feedback (which add up to the total's).
    fn groups(self, groups: &[Group]) -> Vec<Group> {
        let gone = self.list(groups.iter().map(|g| g.sessions));
        let answered = self.list(
            groups
                .iter()
                .zip(&gone)
                .map(|(g, &gone)| self.keep(self.part(g.feedback_responses, g.sessions), gone)),
        );
        groups
            .iter()
            .zip(gone.iter().zip(answered))
            .map(|(g, (&gone, answered))| {
                if gone {
                    return self.gone_group(g);
                }
                Group {
                    name: g.name.clone(),
                    sessions: g.sessions,
                    clients: self.count(g.clients),
                    minutes: g.minutes,
                    revenue: g.revenue,
                    feedback_responses: self.keep(g.feedback_responses, answered),
                    outcomes: self.outcomes(&g.outcomes, g.feedback_responses),
                    not_attended: g.not_attended.map(|n| self.count(n)),
                }
            })
            .collect()
    }

    fn locations(self, sites: &[LocationGroup]) -> Vec<LocationGroup> {
        let groups: Vec<Group> = sites.iter().map(|l| l.group.clone()).collect();
        let shown = self.groups(&groups);
        let new = self.list(
            sites
                .iter()
                .zip(&shown)
                .map(|(l, g)| self.keep(l.new_clients, g.sessions.is_hidden())),
        );
        sites
            .iter()
            .zip(shown)
            .zip(new)
            .map(|((l, group), new)| LocationGroup {
                location: l.location.clone(),
                group,
                new_clients: self.keep(l.new_clients, new),
            })
            .collect()
    }

    fn attendance(self, a: &Attendance) -> Attendance {
        let booked = self.count(a.booked);
        let gone = booked.is_hidden();
        let split = self.list([self.keep(a.attended, gone), self.keep(a.not_attended, gone)]);
        let statuses = self.list(a.by_status.iter().map(|s| s.bookings));
        let missed = self.list(a.by_therapist.iter().map(|(_, n)| *n));
        Attendance {
            booked,
            attended: self.keep(a.attended, split[0]),
            not_attended: self.keep(a.not_attended, split[1]),
            attended_rate: a.attended_rate.filter(|_| !split[0] && !split[1]),
            by_status: a
                .by_status
                .iter()
                .zip(statuses)
                .map(|(s, hide)| super::monthly::StatusCount {
                    status: s.status.clone(),
                    bookings: self.keep(s.bookings, hide),
                })
                .collect(),
            by_therapist: a
                .by_therapist
                .iter()
                .zip(missed)
                .map(|((name, n), hide)| (name.clone(), self.keep(*n, hide)))
                .collect(),
        }
    }

    /// A comparison loses its test when either month's figure is hidden.
    fn comparison(
        self,
        c: &Comparison,
        now: (&Totals, &Outcomes),
        before: (&Totals, &Outcomes),
    ) -> Comparison {
        let shown = |(t, o): (&Totals, &Outcomes)| match c.figure {
            f if f == COMPARED[0] => !t.sessions.is_hidden(),
            f if f == COMPARED[1] => !t.new_clients.is_hidden(),
            f if f == COMPARED[2] => t.feedback_response_rate.is_some(),
            f if f == COMPARED[3] => o.responders.rate.is_some(),
            _ => o.pain_reduction.mean.is_some(),
        };
        let (now, before) = (shown(now), shown(before));
        if now && before {
            return c.clone();
        }
        let keep = |v: Option<Value>, shown: bool| v.filter(|_| shown);
        Comparison {
            current: keep(c.current, now),
            previous: keep(c.previous, before),
            significant: self.gone(),
            ..Comparison::untested(c.figure)
        }
    }

    fn accounts(self, a: &Accounts) -> Accounts {
        let file = |f: &FileAccount| {
            // The parts of a file's rows: one list.
            let parts = [
                f.accepted,
                f.rejected,
                f.superseded,
                f.not_attended,
                f.footer_rows,
            ];
            let hide = self.list(parts);
            FileAccount {
                file: f.file.clone(),
                rows: self.count(f.rows),
                accepted: self.keep(f.accepted, hide[0]),
                rejected: self.keep(f.rejected, hide[1]),
                superseded: self.keep(f.superseded, hide[2]),
                not_attended: self.keep(f.not_attended, hide[3]),
                footer_rows: self.keep(f.footer_rows, hide[4]),
                extra_columns: f.extra_columns.clone(),
                absent_columns: f.absent_columns.clone(),
            }
        };
        Accounts {
            sessions: file(&a.sessions),
            feedback: file(&a.feedback),
            sessions_status: a.sessions_status,
        }
    }

    fn month(self, m: &MonthFigures, gone: bool, new_hidden: bool) -> MonthFigures {
        if gone {
            return MonthFigures {
                period: m.period,
                sessions: self.gone(),
                clients: self.gone(),
                new_clients: self.gone(),
                minutes: self.gone(),
                revenue: None,
                feedback_response_rate: None,
                soreness_median: None,
                pain_reduction_mean: None,
                responders: self.gone_responders(&m.responders),
                low_sample: self.gone(),
                feedback_responses: self.gone(),
                soreness_n: self.gone(),
                pain_reduction_n: self.gone(),
            };
        }
        let responses = self.part(m.feedback_responses, m.sessions);
        let responders = self.responders(&m.responders);
        MonthFigures {
            period: m.period,
            sessions: m.sessions,
            clients: self.count(m.clients),
            new_clients: self.keep(m.new_clients, new_hidden),
            minutes: m.minutes,
            revenue: m.revenue,
            feedback_response_rate: m.feedback_response_rate.filter(|_| !responses.is_hidden()),
            soreness_median: m
                .soreness_median
                .filter(|_| !self.count(m.soreness_n).is_hidden()),
            pain_reduction_mean: m
                .pain_reduction_mean
                .filter(|_| !self.count(m.pain_reduction_n).is_hidden()),
            low_sample: self.keep(m.low_sample, responders.eligible.is_hidden()),
            responders,
            feedback_responses: responses,
            soreness_n: self.count(m.soreness_n),
            pain_reduction_n: self.count(m.pain_reduction_n),
        }
    }

    fn cohort(self, c: &Cohort, new_hidden: bool) -> Cohort {
        let new_clients = self.keep(c.new_clients, new_hidden);
        Cohort {
            month: c.month,
            new_clients,
            returned: c
                .returned
                .iter()
                .map(|ret| {
                    let returned = ret.returned.map(|n| self.part(n, new_clients));
                    Returned {
                        days: ret.days,
                        returned,
                        rate: ret
                            .rate
                            .filter(|_| returned.is_some_and(|n| !n.is_hidden())),
                    }
                })
                .collect(),
        }
    }

    fn course_step(self, s: &CourseStep) -> CourseStep {
        let clients = self.count(s.clients);
        let improved = self.part(s.improved, clients);
        let kept = !improved.is_hidden();
        CourseStep {
            visit: s.visit,
            clients,
            improved,
            rate: s.rate.filter(|_| kept),
            ci95_low: s.ci95_low.filter(|_| kept),
            ci95_high: s.ci95_high.filter(|_| kept),
            low_sample: self.keep(s.low_sample, clients.is_hidden()),
        }
    }

    fn km_step(self, s: &KmStep) -> KmStep {
        let at_risk = self.count(s.at_risk);
        let events = self.part(s.events, at_risk);
        // With the step before and the clients at risk shown, the estimate gives the events.
        let kept = !events.is_hidden();
        KmStep {
            visit: s.visit,
            at_risk,
            events,
            improved: s.improved.filter(|_| kept),
            ci95_low: s.ci95_low.filter(|_| kept),
            ci95_high: s.ci95_high.filter(|_| kept),
        }
    }

    fn rate_cell(self, c: &RateCell, hide: bool) -> RateCell {
        if hide {
            return RateCell {
                eligible: self.unless_zero(c.eligible),
                responders: self.unless_zero(c.responders),
                rate: None,
                low_sample: self.gone(),
            };
        }
        let eligible = self.count(c.eligible);
        let responders = self.part(c.responders, eligible);
        RateCell {
            eligible,
            responders,
            rate: c.rate.filter(|_| !responders.is_hidden()),
            low_sample: self.keep(c.low_sample, eligible.is_hidden()),
        }
    }

    /// The three starting-pain bands of one group: they add up to its eligible sessions.
    fn bands(self, bands: &[RateCell; 3], gone: bool) -> [RateCell; 3] {
        let hide = self.list(bands.iter().map(|b| self.keep(b.eligible, gone)));
        [0, 1, 2].map(|i| self.rate_cell(&bands[i], hide[i]))
    }

    fn adjusted(self, a: &Adjusted, gone: bool, rate_gone: bool) -> Adjusted {
        let bands = self.bands(&a.bands, gone);
        // The standardized rate is a weighted sum of the band rates: with one of them hidden,
        // it and the others would give it away.
        let any_hidden = bands
            .iter()
            .zip(&a.bands)
            .any(|(s, b)| b.rate.is_some() && s.rate.is_none());
        let standardized = !gone && !any_hidden;
        Adjusted {
            bands,
            standardized_rate: a.standardized_rate.filter(|_| standardized),
            ci95_low: a.ci95_low.filter(|_| standardized),
            ci95_high: a.ci95_high.filter(|_| standardized),
            crude_rank: a.crude_rank.filter(|_| !gone && !rate_gone),
            standardized_rank: a.standardized_rank.filter(|_| standardized),
            mix: a
                .mix
                .clone()
                .filter(|_| !gone && bands.iter().all(|b| !b.eligible.is_hidden())),
        }
    }

    /// The technique × region matrix: the list rule along every row and every column, again
    /// until nothing changes (hiding a cell for its column can leave its row one short).
    fn matrix(self, matrix: &[Vec<RateCell>], rows: &[TechniqueRow]) -> Vec<Vec<RateCell>> {
        let mut hide: Vec<Vec<bool>> = matrix
            .iter()
            .zip(rows)
            .map(|(cells, row)| {
                let gone = row.group.sessions.is_hidden();
                cells.iter().map(|c| gone && c.eligible != 0).collect()
            })
            .collect();
        let count =
            |t: usize, r: usize, hide: &[Vec<bool>]| self.keep(matrix[t][r].eligible, hide[t][r]);
        loop {
            let before = hide.clone();
            for t in 0..matrix.len() {
                let now = self.list((0..matrix[t].len()).map(|r| count(t, r, &hide)));
                hide[t] = now;
            }
            let width = matrix.first().map_or(0, Vec::len);
            for r in 0..width {
                let now = self.list((0..matrix.len()).map(|t| count(t, r, &hide)));
                for (t, h) in now.into_iter().enumerate() {
                    hide[t][r] = h;
                }
            }
            if hide == before {
                break;
            }
        }
        matrix
            .iter()
            .zip(&hide)
            .map(|(cells, hide)| {
                cells
                    .iter()
                    .zip(hide)
                    .map(|(c, &h)| self.rate_cell(c, h))
                    .collect()
            })
            .collect()
    }

    fn retention(self, r: &Retention, gone: bool) -> Retention {
        let clients = self.keep(self.count(r.visits_90_clients), gone);
        let sessions = self.keep(self.count(r.rebooked_30_sessions), gone);
        Retention {
            new_clients: self.keep(self.count(r.new_clients), gone),
            visits_90: r.visits_90.filter(|_| !clients.is_hidden()),
            visits_90_clients: clients,
            rebooked_30: if sessions.is_hidden() {
                None
            } else {
                self.share_of(sessions, r.rebooked_30)
            },
            rebooked_30_sessions: sessions,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gone<T>() -> Cell<T> {
        Cell::Hidden { below: 11 }
    }

    fn counts(ns: &[u64]) -> Vec<Count> {
        ns.iter().map(|&n| Cell::Shown(n)).collect()
    }

    #[test]
    fn one_small_group_takes_the_next_smallest_with_it() {
        let h = |ns: &[u64]| hidden(&counts(ns), 11);
        // A technique of 7 sessions beside 40, 25 and 12: 7 and then 12 go.
        assert_eq!(h(&[40, 7, 25, 12]), [false, true, false, true]);
        // Two small ones already hide each other; zeros are shown.
        assert_eq!(h(&[3, 0, 5, 30]), [true, false, true, false]);
        // 10 is hidden, 11 is not small, but beside a lone 10 it goes to protect it.
        assert_eq!(h(&[11, 10, 50]), [true, true, false]);
        assert_eq!(h(&[11, 50]), [false, false]);
        // Nothing small: nothing hidden; a lone small one with nothing else: it alone.
        assert_eq!(h(&[11, 20]), [false, false]);
        assert_eq!(h(&[4]), [true]);
        assert_eq!(h(&[4, 0]), [true, false]);
        // A member already hidden (its group went) counts as hidden.
        let mut mixed = counts(&[30, 12, 40]);
        mixed[0] = Cell::Hidden { below: 11 };
        assert_eq!(hidden(&mixed, 11), [true, true, false]);
    }

    #[test]
    fn a_part_goes_when_it_or_its_rest_is_small() {
        let r = Rule::new(11);
        assert_eq!(r.part(Cell::Shown(12), Cell::Shown(30)), Cell::Shown(12));
        assert_eq!(r.part(Cell::Shown(5), Cell::Shown(30)), gone());
        // 25 of 30: the 5 who did not would follow.
        assert_eq!(r.part(Cell::Shown(25), Cell::Shown(30)), gone());
        assert_eq!(r.part(Cell::Shown(30), Cell::Shown(30)), Cell::Shown(30));
        assert_eq!(r.part(Cell::Shown(0), Cell::Shown(30)), Cell::Shown(0));
        assert_eq!(r.part(Cell::Shown(12), gone()), gone());
        // A share alone: 0.25 of 40 is 10 (small); 0.5 of 40 is 20.
        assert_eq!(r.share_of(Cell::Shown(40), Some(0.25)), None);
        assert_eq!(r.share_of(Cell::Shown(40), Some(0.5)), Some(0.5));
        assert_eq!(r.share_of(Cell::Shown(8), Some(0.5)), None);
    }

    fn group(name: &str, sessions: u64, responses: u64) -> Group {
        Group {
            name: name.into(),
            sessions: sessions.into(),
            clients: (sessions / 2).into(),
            minutes: (sessions as i64 * 60).into(),
            revenue: Some(sessions as f64 * 80.0),
            feedback_responses: responses.into(),
            outcomes: Outcomes {
                soreness: Soreness {
                    n: responses.into(),
                    mean: Some(20.0),
                    median: Some(18.0),
                    p90: Some(40.0),
                    over_48h_share: Some(0.0),
                },
                pain_reduction: PainReduction {
                    n: responses.into(),
                    mean: Some(2.0),
                    sd: Some(1.0),
                    ci95_low: Some(1.5),
                    ci95_high: Some(2.5),
                },
                responders: Responders {
                    eligible: responses.into(),
                    responders: (responses / 2).into(),
                    rate: Some(0.5),
                    ci95_low: Some(0.3),
                    ci95_high: Some(0.7),
                },
                immediate_change: ImmediateChange {
                    n: responses.into(),
                    mean: Some(1.0),
                },
                satisfaction_mean: Some(4.5),
                mobility_improved_share: Some(0.5),
                low_sample: (responses < 10).into(),
            },
            not_attended: None,
        }
    }

    #[test]
    fn a_hidden_group_loses_every_figure_and_a_shown_one_keeps_its_own() {
        let r = Rule::new(11);
        // Cupping's 7 sessions go, and with them the next smallest, Dry needling's 12.
        let out = r.groups(&[
            group("massage", 40, 25),
            group("cupping", 7, 6),
            group("dry", 12, 12),
        ]);
        assert_eq!(out[0], group("massage", 40, 25));
        for g in &out[1..] {
            assert_eq!((g.sessions, g.clients, g.minutes), (gone(), gone(), gone()));
            assert_eq!((g.revenue, g.outcomes.satisfaction_mean), (None, None));
            assert_eq!(g.outcomes.responders.rate, None);
            assert_eq!(g.outcomes.pain_reduction.mean, None);
            assert_eq!(g.outcomes.low_sample, gone());
        }
        // A shown group of 24 sessions with 8 answers keeps its sessions, not the answers'
        // figures; its responders (4 of 8) go with them.
        let g = &r.groups(&[group("a", 24, 8), group("b", 30, 30)])[0];
        assert_eq!(g.sessions, 24);
        assert_eq!(g.minutes, Cell::Shown(24 * 60));
        assert_eq!(g.feedback_responses, gone());
        assert_eq!(g.outcomes.soreness.n, gone());
        assert_eq!(
            (g.outcomes.soreness.median, g.outcomes.satisfaction_mean),
            (None, None)
        );
        assert_eq!(
            (
                g.outcomes.responders.eligible,
                g.outcomes.responders.responders
            ),
            (gone(), gone())
        );
        assert_eq!(g.outcomes.low_sample, gone());
    }

    fn cell(eligible: u64, responders: u64) -> RateCell {
        RateCell {
            eligible: eligible.into(),
            responders: responders.into(),
            rate: (eligible > 0).then(|| responders as f64 / eligible as f64),
            low_sample: (eligible < 10).into(),
        }
    }

    #[test]
    fn bands_and_the_matrix_follow_the_list_rule_along_rows_and_columns() {
        let r = Rule::new(11);
        // Bands of 40, 5 and 30 eligible: 5 goes, and 30 with it; 12 of 40 responded (28
        // did not): kept.
        let b = r.bands(&[cell(40, 12), cell(5, 2), cell(30, 15)], false);
        assert_eq!(b[0], cell(40, 12));
        assert_eq!((b[1].eligible, b[1].rate), (gone(), None));
        assert_eq!((b[2].eligible, b[2].rate), (gone(), None));
        // 35 of 40 responded: the 5 who did not would follow, so the responders and the rate go.
        let b = r.bands(&[cell(40, 35), cell(0, 0), cell(0, 0)], false);
        assert_eq!(
            (b[0].eligible, b[0].responders, b[0].rate),
            (Cell::Shown(40), gone(), None)
        );
        assert_eq!(b[1], cell(0, 0));

        // Two techniques × three regions. Row 0: 20, 8, 30 (8 goes, then 20). Column 0 is
        // then 20 (hidden) and 25: 25 goes too; column 1, 8 (hidden) and 40: 40 goes.
        let matrix = vec![
            vec![cell(20, 10), cell(8, 4), cell(30, 15)],
            vec![cell(25, 12), cell(40, 20), cell(0, 0)],
        ];
        let row = |name: &str, sessions: u64| TechniqueRow {
            group: group(name, sessions, sessions),
            baseline_pain: None,
            vs_others: None,
            adjusted: Adjusted {
                bands: [cell(0, 0), cell(0, 0), cell(0, 0)],
                standardized_rate: None,
                ci95_low: None,
                ci95_high: None,
                crude_rank: None,
                standardized_rank: None,
                mix: Some(Vec::new()),
            },
        };
        let m = r.matrix(&matrix, &[row("a", 60), row("b", 70)]);
        let shown: Vec<Vec<bool>> = m
            .iter()
            .map(|cells| cells.iter().map(|c| !c.eligible.is_hidden()).collect())
            .collect();
        // Column 2, 30 and 0, has nothing small: kept.
        assert_eq!(shown, [[false, false, true], [false, false, true]]);
        assert_eq!(m[1][2], cell(0, 0));
        assert_eq!(m[0][2], cell(30, 15));
    }
}
