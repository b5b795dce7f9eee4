//! The synthetic data set behind `sample`: a practice's sessions and feedback over ~14 months,
//! seeded (same seed, same bytes) and streamed (only clients in an open course of treatment
//! are held in memory, so ten million sessions need no more than a few hundred MB).
//!
//! Realism is what the reports need to show: days that are busier or quieter (weekdays over
//! Saturdays, closed Sundays and holidays, a quieter August and December), clients who come
//! once, now and then, or weekly for a course of 6–10 visits while their pain eases,
//! techniques with different true effects and soreness profiles, several body regions,
//! feedback for about 70% of sessions (some answered twice), missing optional values, names
//! in several scripts, and fees by duration.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::io::Write;

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The last day of every sample data set; fixed so that a seed always gives the same bytes.
pub const END_DATE: (i32, u32, u32) = (2026, 10, 31);
/// How many days back the data set reaches (about 14 months).
pub const SPAN_DAYS: i64 = 425;

/// Technique as the practice-management system spells it, with its true effect.
struct Technique {
    label: &'static str,
    /// Mean relative fall in pain at follow-up.
    effect: f64,
    /// Typical soreness in hours (median of a skewed spread).
    soreness: f64,
    /// Chance of no soreness at all.
    no_soreness: f64,
}

const TECHNIQUES: &[Technique] = &[
    Technique {
        label: "Dry needling",
        effect: 0.42,
        soreness: 36.0,
        no_soreness: 0.02,
    },
    Technique {
        label: "Ischemic compression",
        effect: 0.34,
        soreness: 20.0,
        no_soreness: 0.08,
    },
    Technique {
        label: "Myofascial release",
        effect: 0.30,
        soreness: 12.0,
        no_soreness: 0.15,
    },
    Technique {
        label: "Deep stroking",
        effect: 0.25,
        soreness: 14.0,
        no_soreness: 0.15,
    },
    Technique {
        label: "Spray and stretch",
        effect: 0.27,
        soreness: 5.0,
        no_soreness: 0.35,
    },
    Technique {
        label: "Passive stretching",
        effect: 0.17,
        soreness: 2.0,
        no_soreness: 0.60,
    },
];

const REGIONS: &[&str] = &[
    "Neck",
    "Shoulder",
    "Upper back",
    "Lower back",
    "Hips",
    "Glutes",
];

const THERAPISTS: &[&str] = &[
    "Maria Lopez",
    "Tom Becker",
    "Aiko Tanaka",
    "Sam Okafor",
    "Lena Novak",
    "Jonas Berg",
    "Priya Shah",
    "Chris Walsh",
];

const LATIN_FIRST: &[&str] = &[
    "José",
    "Zoë",
    "François",
    "Márta",
    "Søren",
    "Ana",
    "Björn",
    "Chloé",
    "Łukasz",
    "Renée",
    "Iñaki",
    "Małgorzata",
    "Emma",
    "Noah",
    "Olivia",
    "Lucas",
    "Sofia",
    "Mateo",
    "Hannah",
    "Ravi",
];
const LATIN_LAST: &[&str] = &[
    "Álvarez",
    "Brontë",
    "Lefèvre",
    "Nowak",
    "Østergaard",
    "Müller",
    "Dvořák",
    "Gómez",
    "Źróbek",
    "Novak",
    "Smith",
    "Jensen",
    "Rossi",
    "Kowalski",
    "Fernández",
    "Nguyen",
];
const APOSTROPHE_LAST: &[&str] = &["O'Brien", "D'Angelo", "O'Neill", "N'Diaye", "Dell'Acqua"];
const HANGUL: &[&str] = &[
    "김민준",
    "이서연",
    "박지훈",
    "최유나",
    "정하늘",
    "강도윤",
    "윤서아",
    "한지민",
];
const CYRILLIC: &[&str] = &[
    "Анна Иванова",
    "Дмитрий Смирнов",
    "Ольга Кузнецова",
    "Игорь Попов",
    "Мария Соколова",
    "Сергей Лебедев",
    "Елена Морозова",
];

const COMMENTS: &[&str] = &[
    "Felt much looser afterwards.",
    "Sore for a couple of days, but worth it",
    "Said it was \"the best session yet\"",
    "Neck still stiff in the mornings;\nbetter by lunch",
    "Less pain, more movement",
    "Headaches less often this week",
    "Ça va mieux, merci !",
    "훨씬 좋아졌어요",
    "Стало намного легче",
    "Slept badly the first night, fine after",
];

/// (minutes, fee, weight)
const DURATIONS: &[(u32, &str, u32)] = &[
    (30, "45.00", 2),
    (45, "65.00", 4),
    (60, "85.00", 6),
    (75, "100.00", 1),
    (90, "120.00", 2),
];

/// A client in an open course of treatment.
struct Client {
    id: u64,
    name: Option<String>,
    therapist: usize,
    technique: usize,
    regions: Vec<usize>,
    duration: usize,
    /// Current pain (0–10) carried from visit to visit.
    pain: f64,
    visits_left: u32,
    interval_days: i64,
    /// A weekly course: every seven days, pain easing from visit to visit.
    weekly: bool,
}

/// A client waiting for their next visit, ordered by day, then id (deterministic).
struct Due {
    day: i64,
    client: Client,
}

impl PartialEq for Due {
    fn eq(&self, other: &Self) -> bool {
        (self.day, self.client.id) == (other.day, other.client.id)
    }
}
impl Eq for Due {}
impl PartialOrd for Due {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Due {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.day, self.client.id).cmp(&(other.day, other.client.id))
    }
}

/// What a generation wrote.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct SampleStats {
    pub sessions: u64,
    pub feedback: u64,
    pub clients: u64,
    pub therapists: usize,
}

/// Days the practice is closed besides Sundays: (month, day).
const HOLIDAYS: &[(u32, u32)] = &[(1, 1), (5, 1), (12, 24), (12, 25), (12, 26), (12, 31)];

/// How busy a day is, in parts of a million of a usual weekday: closed on Sundays and
/// holidays, Saturdays about half a day, Mondays busiest, Fridays quieter, August and
/// December quieter still, and every day its own ups and downs (from `rng`).
fn day_weight(d: NaiveDate, rng: &mut ChaCha8Rng) -> u64 {
    let noise: u64 = rng.random_range(65..=135);
    if HOLIDAYS.contains(&(d.month(), d.day())) {
        return 0;
    }
    let weekday: u64 = match d.weekday() {
        Weekday::Sun => return 0,
        Weekday::Sat => 50,
        Weekday::Mon => 110,
        Weekday::Fri => 90,
        _ => 100,
    };
    let season: u64 = match d.month() {
        8 => 65,
        12 => 75,
        1 | 7 => 90,
        _ => 100,
    };
    weekday * season * noise
}

fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

/// Rounds to the nearest 0–10 whole point, as a numeric rating scale is answered.
fn nrs(v: f64) -> f64 {
    v.round().clamp(0.0, 10.0)
}

/// A number as the export writes it: no trailing `.0`.
fn num(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{}", v as i64)
    } else {
        format!("{v:.1}")
    }
}

/// The sites of a sample chain (`sample --locations K`); past these, "Site 7", "Site 8" ….
const SITES: &[&str] = &[
    "Harbour Street",
    "Zürich Süd",
    "Old Town",
    "Riverside",
    "Kings Cross",
    "Lakeview",
];

/// Where a chain's sessions take place: clients mostly loyal to one site.
struct Sites {
    names: Vec<String>,
    /// A stream of its own, so that a sample without sites is byte for byte what it was.
    rng: ChaCha8Rng,
}

impl Sites {
    fn new(k: usize, seed: u64) -> Sites {
        Sites {
            names: (0..k)
                .map(|i| {
                    SITES
                        .get(i)
                        .map_or_else(|| format!("Site {}", i + 1), |s| s.to_string())
                })
                .collect(),
            rng: ChaCha8Rng::seed_from_u64(seed ^ 0x5175_0000_10CA_7105),
        }
    }

    /// The site of one visit of client `id`: its home site (by id), now and then another,
    /// and a few visits with no site recorded.
    fn of(&mut self, id: u64) -> &str {
        let roll: f64 = self.rng.random();
        let k = self.names.len();
        let home = (id.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 33) as usize % k;
        if roll < 0.02 {
            ""
        } else if roll < 0.10 {
            &self.names[self.rng.random_range(0..k)]
        } else {
            &self.names[home]
        }
    }
}

struct Generator {
    rng: ChaCha8Rng,
    sites: Option<Sites>,
    therapists: usize,
    next_client: u64,
    next_session: u64,
    feedback_rows: u64,
}

impl Generator {
    fn new_client(&mut self, day: i64) -> Due {
        let rng = &mut self.rng;
        self.next_client += 1;
        let roll: f64 = rng.random();
        let name = if roll < 0.04 {
            None
        } else if roll < 0.16 {
            Some(pick(rng, HANGUL).to_string())
        } else if roll < 0.26 {
            Some(pick(rng, CYRILLIC).to_string())
        } else if roll < 0.32 {
            Some(format!(
                "{} {}",
                pick(rng, LATIN_FIRST),
                pick(rng, APOSTROPHE_LAST)
            ))
        } else if roll < 0.38 {
            // Some systems export "Last, First".
            Some(format!(
                "{}, {}",
                pick(rng, LATIN_LAST),
                pick(rng, LATIN_FIRST)
            ))
        } else {
            Some(format!(
                "{} {}",
                pick(rng, LATIN_FIRST),
                pick(rng, LATIN_LAST)
            ))
        };
        let mut regions = vec![rng.random_range(0..REGIONS.len())];
        let extra: f64 = rng.random();
        let more = if extra < 0.05 {
            2
        } else if extra < 0.30 {
            1
        } else {
            0
        };
        while regions.len() < 1 + more {
            let r = rng.random_range(0..REGIONS.len());
            if !regions.contains(&r) {
                regions.push(r);
            }
        }
        let total: u32 = DURATIONS.iter().map(|d| d.2).sum();
        let mut w = rng.random_range(0..total);
        let duration = DURATIONS
            .iter()
            .position(|d| {
                if w < d.2 {
                    true
                } else {
                    w -= d.2;
                    false
                }
            })
            .unwrap_or(0);
        // Many come once; some come weekly for a course of 6–10 visits; the others now and
        // then, a few times.
        let kind: f64 = rng.random();
        let (visits, interval_days, weekly) = if kind < 0.40 {
            (1, 14, false)
        } else if kind < 0.55 {
            (rng.random_range(6..=10), 7, true)
        } else {
            (
                2 + (rng.random::<f64>().powf(1.5) * 10.0) as u32,
                rng.random_range(9..35),
                false,
            )
        };
        Due {
            day,
            client: Client {
                id: self.next_client,
                name,
                therapist: rng.random_range(0..self.therapists),
                technique: rng.random_range(0..TECHNIQUES.len()),
                regions,
                duration,
                pain: rng.random_range(4.0..9.5),
                visits_left: visits,
                interval_days,
                weekly,
            },
        }
    }

    /// Writes one visit (and its feedback) and returns the client if the course goes on.
    fn visit(
        &mut self,
        mut c: Client,
        date: NaiveDate,
        sessions: &mut csv::Writer<&mut dyn Write>,
        feedback: &mut csv::Writer<&mut dyn Write>,
    ) -> std::io::Result<Option<Client>> {
        let rng = &mut self.rng;
        self.next_session += 1;
        let session_id = format!("S{:07}", self.next_session);
        let t = if rng.random::<f64>() < 0.7 {
            c.technique
        } else {
            rng.random_range(0..TECHNIQUES.len())
        };
        let tech = &TECHNIQUES[t];
        let therapist = if rng.random::<f64>() < 0.85 {
            c.therapist
        } else {
            rng.random_range(0..self.therapists)
        };
        let regions: Vec<&str> = if c.regions.len() > 1 && rng.random::<f64>() < 0.3 {
            vec![REGIONS[c.regions[0]]]
        } else {
            c.regions.iter().map(|&r| REGIONS[r]).collect()
        };
        let (minutes, fee, _) = DURATIONS[c.duration];
        let before = nrs(c.pain + rng.random_range(-0.8..0.8));
        let after = nrs(before * (1.0 - tech.effect * 0.6 + rng.random_range(-0.12..0.12)));
        let followup = nrs(before * (1.0 - tech.effect + rng.random_range(-0.2..0.2)));
        let give_before = rng.random::<f64>() >= 0.04;
        let give_after = rng.random::<f64>() >= 0.10;
        let give_fee = rng.random::<f64>() >= 0.03;
        let mut record = vec![
            session_id.clone(),
            format!("C{:06}", c.id),
            c.name.clone().unwrap_or_default(),
            THERAPISTS[therapist].to_string(),
            date.to_string(),
            tech.label.to_string(),
            regions.join(";"),
            minutes.to_string(),
            if give_before {
                num(before)
            } else {
                String::new()
            },
            if give_after {
                num(after)
            } else {
                String::new()
            },
            if give_fee { fee } else { "" }.to_string(),
        ];
        if let Some(sites) = self.sites.as_mut() {
            record.push(sites.of(c.id).to_string());
        }
        sessions.write_record(&record)?;
        let rng = &mut self.rng;

        if rng.random::<f64>() < 0.70 {
            let answers = if rng.random::<f64>() < 0.06 { 2 } else { 1 };
            let mut submitted = date + Duration::days((rng.random::<f64>().powi(2) * 5.0) as i64);
            for _ in 0..answers {
                let soreness = if rng.random::<f64>() < tech.no_soreness {
                    0.0
                } else {
                    // A right-skewed spread around the technique's typical soreness.
                    let spread: f64 = rng.random_range(0.35..1.0f64).powi(2) * 2.6;
                    (tech.soreness * spread * 2.0).round() / 2.0
                };
                let fell = (before - followup) / before.max(1.0);
                let mobility = (3.0 + fell * 4.0 + rng.random_range(-1.0..1.0))
                    .round()
                    .clamp(1.0, 5.0);
                let satisfaction = (3.6 + fell * 3.0 + rng.random_range(-1.0..1.0))
                    .round()
                    .clamp(1.0, 5.0);
                let time = format!(
                    " {:02}:{:02}",
                    rng.random_range(7..22),
                    rng.random_range(0..60)
                );
                let comment = if rng.random::<f64>() < 0.25 {
                    *pick(rng, COMMENTS)
                } else {
                    ""
                };
                feedback.write_record([
                    session_id.as_str(),
                    &format!("{submitted}{time}"),
                    &if rng.random::<f64>() >= 0.05 {
                        num(soreness.min(720.0))
                    } else {
                        String::new()
                    },
                    &if rng.random::<f64>() >= 0.04 {
                        num(followup)
                    } else {
                        String::new()
                    },
                    &if rng.random::<f64>() >= 0.10 {
                        num(mobility)
                    } else {
                        String::new()
                    },
                    &if rng.random::<f64>() >= 0.08 {
                        num(satisfaction)
                    } else {
                        String::new()
                    },
                    comment,
                ])?;
                self.feedback_rows += 1;
                submitted += Duration::days(rng.random_range(0..4));
            }
        }

        // Pain carried to the next visit drifts towards the follow-up level; over a weekly
        // course it eases further.
        let ease = if c.weekly { 0.4 } else { 0.0 };
        c.pain =
            (0.65 * followup + 0.35 * before - ease + rng.random_range(-0.5..0.6)).clamp(0.5, 10.0);
        c.visits_left -= 1;
        Ok((c.visits_left > 0).then_some(c))
    }
}

/// Writes `n` sessions and their feedback as CSV; the same seed gives the same bytes.
/// `tick` is called with the number of sessions written so far, now and then.
pub fn generate(
    n: u64,
    seed: u64,
    sessions_out: &mut dyn Write,
    feedback_out: &mut dyn Write,
    tick: &dyn Fn(u64),
) -> std::io::Result<SampleStats> {
    generate_chain(n, seed, 0, sessions_out, feedback_out, tick)
}

/// Like [`generate`], for a chain of `locations` sites: the sessions file gains a
/// `location` column (none when 0, and then the bytes are exactly [`generate`]'s).
pub fn generate_chain(
    n: u64,
    seed: u64,
    locations: usize,
    sessions_out: &mut dyn Write,
    feedback_out: &mut dyn Write,
    tick: &dyn Fn(u64),
) -> std::io::Result<SampleStats> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let therapists = rng.random_range(5..=8);
    let mut g = Generator {
        rng,
        sites: (locations > 0).then(|| Sites::new(locations, seed)),
        therapists,
        next_client: 0,
        next_session: 0,
        feedback_rows: 0,
    };
    let mut sessions = csv::Writer::from_writer(sessions_out);
    let mut feedback = csv::Writer::from_writer(feedback_out);
    // The contract's own columns, in its order; the location column only for a chain.
    let header: Vec<&str> = crate::ingest::columns::SESSIONS
        .iter()
        .filter(|c| c.contract)
        .map(|c| c.name)
        .filter(|&name| locations > 0 || name != crate::ingest::columns::session::LOCATION.name)
        .collect();
    sessions.write_record(&header)?;
    feedback.write_record(
        crate::ingest::columns::FEEDBACK
            .iter()
            .filter(|c| c.contract)
            .map(|c| c.name),
    )?;

    let (y, m, d) = END_DATE;
    let end = NaiveDate::from_ymd_opt(y, m, d).expect("END_DATE is a date");
    let start = end - Duration::days(SPAN_DAYS - 1);
    let days: Vec<NaiveDate> = (0..SPAN_DAYS).map(|i| start + Duration::days(i)).collect();
    // The days' ups and downs come from a stream of their own, drawn once up front.
    let mut day_rng = ChaCha8Rng::seed_from_u64(seed ^ 0x0DA7_50FB_05E0);
    let weights: Vec<u64> = days.iter().map(|&d| day_weight(d, &mut day_rng)).collect();
    let total_weight: u64 = weights.iter().sum();
    let mut waiting: BinaryHeap<Reverse<Due>> = BinaryHeap::new();
    let mut cumulative_weight = 0u64;
    let mut written = 0u64;
    for (i, &date) in days.iter().enumerate() {
        let day = i as i64;
        let weight = weights[i];
        if weight == 0 {
            continue;
        }
        cumulative_weight += weight;
        // Quotas from the cumulative share, so the days add up to exactly n.
        let target =
            (u128::from(n) * u128::from(cumulative_weight) / u128::from(total_weight)) as u64;
        let quota = target - written;
        let mut today = Vec::new();
        while today.len() < quota as usize {
            match waiting.peek() {
                Some(Reverse(due)) if due.day <= day => {
                    today.push(waiting.pop().expect("peeked").0.client);
                }
                _ => break,
            }
        }
        // Postponed visits (a full day) keep their place in the queue for tomorrow.
        while today.len() < quota as usize {
            today.push(g.new_client(day).client);
        }
        for client in today {
            if let Some(next) = g.visit(client, date, &mut sessions, &mut feedback)? {
                let gap = if next.weekly {
                    7
                } else {
                    next.interval_days + g.rng.random_range(-2..=3)
                };
                waiting.push(Reverse(Due {
                    day: day + gap.max(1),
                    client: next,
                }));
            }
            written += 1;
            if written.is_multiple_of(8192) {
                tick(written);
            }
        }
    }
    sessions.flush()?;
    feedback.flush()?;
    tick(written);
    Ok(SampleStats {
        sessions: written,
        feedback: g.feedback_rows,
        clients: g.next_client,
        therapists,
    })
}
