"""Writes the shareable fixture (issue 21): run from this folder, `python3 make.py`.

June 2026 (the report month): 41 sessions. Techniques: spray and stretch 20, passive
stretching 14, dry needling 7 (7 is hidden, and 14 with it: the next smallest). Therapists:
Cy 17, Ann 11, Bo 10, Di 3 (Bo and Di hidden, each other's complement; Ann's 11 shown).
The trends window (2025-07 to 2026-06): January 25 sessions, February 3, March 30, April 22,
May 28, June 41 (February hidden, and April with it). New clients by month: January 14,
February 3, March 4, April 12, May 15, June 20 (the cohorts of 3 and 4 are hidden, and April's
with its month).
"""
import csv

MONTHS = [  # (month, sessions, new clients)
    ("2026-01", 25, 14),
    ("2026-02", 3, 3),
    ("2026-03", 30, 4),
    ("2026-04", 22, 12),
    ("2026-05", 28, 15),
    ("2026-06", 41, 20),
]
JUNE_TECHNIQUES = ["Spray and stretch"] * 20 + ["Passive stretching"] * 14 + ["Dry needling"] * 7
JUNE_THERAPISTS = ["Cy"] * 17 + ["Ann"] * 11 + ["Bo"] * 10 + ["Di"] * 3
OTHER = ["Spray and stretch", "Passive stretching", "Deep stroking"]

sessions, feedback = [], []
clients = []
n = 0
for month, count, new in MONTHS:
    month_clients = []
    for k in range(new):
        clients.append(f"C{len(clients) + 1:03d}")
        month_clients.append(clients[-1])
    for i in range(count):
        n += 1
        if i < new:
            client = month_clients[i]
        else:
            # Returning clients: earlier ones in turn (all of this month's first sessions
            # are on earlier days than these).
            client = clients[(i * 7) % len(clients)]
        day = 1 + (i * 27) // max(count, 1)
        if month == "2026-06":
            technique = JUNE_TECHNIQUES[i]
            therapist = JUNE_THERAPISTS[(i * 13) % 41]
        else:
            technique = OTHER[i % 3]
            therapist = ["Cy", "Ann"][i % 2]
        before = 3 + (i * 5) % 7
        sid = f"S{n:04d}"
        sessions.append([
            sid, client, f"Client {client}", therapist, f"{month}-{day:02d}", technique,
            ["Neck", "Lower back", "Shoulder"][i % 3], 45, before, max(before - 1, 0), "80.00",
        ])
        if i % 5 != 4:
            followup = before - 1 - (i % 4)
            feedback.append([
                sid, f"{month}-{min(day + 1, 28):02d} 18:00", 6 + (i * 11) % 60,
                max(followup, 0), 2 + i % 4, 3 + i % 3, "",
            ])

with open("sessions.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["session_id", "client_id", "client_name", "therapist", "date", "technique",
                "body_region", "duration_min", "pain_before", "pain_after", "fee"])
    w.writerows(sessions)
with open("feedback.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["session_id", "submitted", "soreness_hours", "pain_followup", "mobility",
                "satisfaction", "comment"])
    w.writerows(feedback)
