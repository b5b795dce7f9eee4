"""Writes the fixtures of tests/data/shapes: one small practice month written the way real
systems export it (a booking app's appointment list and a survey tool's answers, a clinic
system's spreadsheet with title rows and a Total row, a European CSV, a Windows-1252 re-save,
a UTF-16 text export), beside the same data in the contract's own shape (contract/).

The expected figures are worked out by hand in tests/suite/shapes.rs, not here. Run once with
`python3 make.py` (needs openpyxl, xlwt and odfpy, and msoffcrypto-tool for the password-protected
workbook);
the files are committed.
"""
import csv, datetime as dt, io, os

HERE = os.path.dirname(os.path.abspath(__file__))

CLIENTS = {
    "ann": ("Ann", "Lee", "ann@example.com", "101"),
    "bo": ("Bo", "Chen", "bo@example.com", "102"),
    "cara": ("Cara", "Núñez", "cara@example.com", "103"),
    "dan": ("Dan", "Müller", "dan@example.com", "104"),
    "eve": ("Eve", "Stone", "eve@example.com", "105"),
}
# id, client, therapist, start, minutes, technique, regions, pain before, pain after, fee,
# status (None: attended)
BOOKINGS = [
    (1001, "ann", "Maria Lopez", dt.datetime(2026, 9, 28, 10, 0), 60, "Trigger point therapy", ["Neck", "Upper back"], 7, 5, 85.0, None),
    (1002, "ann", "Maria Lopez", dt.datetime(2026, 10, 5, 10, 0), 60, "Trigger point therapy", ["Neck"], 6, 4, 85.0, None),
    (1003, "bo", "Tomás Ortega", dt.datetime(2026, 10, 6, 14, 0), 45, "Deep tissue", ["Lower back"], 8, 6, 65.0, None),
    (1004, "cara", "Jin Park", dt.datetime(2026, 10, 7, 9, 0), 90, "Dry needling", ["Shoulder", "Upper back"], 5, 3, 120.0, None),
    (1005, "dan", "Maria Lopez", dt.datetime(2026, 10, 12, 16, 30), 60, "Trigger point therapy", ["Neck"], 4, 3, 85.0, None),
    (1006, "bo", "Tomás Ortega", dt.datetime(2026, 10, 13, 14, 0), 45, "Deep tissue", ["Lower back"], 7, 4, 65.0, None),
    (1009, "cara", "Jin Park", dt.datetime(2026, 10, 14, 9, 0), 90, "Dry needling", ["Shoulder"], None, None, 120.0, "No Show"),
    (1007, "eve", "Jin Park", dt.datetime(2026, 10, 19, 11, 0), 60, "Dry needling", ["Hip"], 6, 5, 1234.5, None),
    (1010, "dan", "Maria Lopez", dt.datetime(2026, 10, 20, 16, 30), 60, "Trigger point therapy", ["Neck"], None, None, 85.0, "Cancelled"),
    (1008, "ann", "Maria Lopez", dt.datetime(2026, 10, 26, 10, 0), 60, "Trigger point therapy", ["Neck", "Shoulder"], 5, 3, 85.0, None),
    (1011, "eve", "Tomás Ortega", dt.datetime(2026, 10, 27, 15, 0), 45, "Deep tissue", ["Hip"], None, None, 65.0, "Cancelled by customer"),
]
# session id, submitted, soreness hours, pain now, mobility, satisfaction, comment; the survey
# answers by e-mail (dan's comes 39 days after his last session: no session to link it to).
ANSWERS = [
    (1001, dt.datetime(2026, 9, 29, 19, 10, 3), 24, 4, 4, 5, "Great, thank you"),
    (1002, dt.datetime(2026, 10, 6, 8, 2, 41), 12.5, 3, 4, 5, ""),
    (1003, dt.datetime(2026, 10, 7, 21, 15, 0), 48, 6, 3, 4, "Still stiff"),
    (1004, dt.datetime(2026, 10, 9, 12, 0, 9), 72, 2, 5, 5, "Much better, slept well"),
    (1006, dt.datetime(2026, 10, 15, 9, 30, 0), 24, 3, 4, 4, ""),
    (1007, dt.datetime(2026, 10, 20, 18, 45, 12), 6, 4, 3, 3, "OK"),
    (1008, dt.datetime(2026, 10, 27, 7, 5, 0), 10, 2, 5, 5, "Best one yet"),
]
LATE = ("dan", dt.datetime(2026, 11, 20, 10, 0, 0), 0, 3, 3, 4, "Forgot to answer")
SESSION_CLIENT = {b[0]: b[1] for b in BOOKINGS}


def attended():
    return [b for b in BOOKINGS if b[10] is None]


def write(path, text, encoding="utf-8"):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(text.encode(encoding))


def table(rows, delimiter=",", lineterminator="\n"):
    out = io.StringIO()
    w = csv.writer(out, delimiter=delimiter, lineterminator=lineterminator)
    w.writerows(rows)
    return out.getvalue()


def num(v):
    return "" if v is None else (str(int(v)) if float(v).is_integer() else str(v))


def contract_rows():
    sessions = [["session_id", "client_id", "client_name", "therapist", "date", "technique",
                 "body_region", "duration_min", "pain_before", "pain_after", "fee"]]
    for (i, c, t, start, minutes, tech, regions, pb, pa, fee, status) in attended():
        first, last, email, _ = CLIENTS[c]
        sessions.append([i, email, f"{first} {last}", t, start.date().isoformat(), tech,
                         ";".join(regions), minutes, num(pb), num(pa), num(fee)])
    feedback = [["session_id", "submitted", "soreness_hours", "pain_followup", "mobility",
                 "satisfaction", "comment"]]
    for (i, when, sore, pain, mob, sat, comment) in ANSWERS:
        feedback.append([i, when.date().isoformat(), num(sore), pain, mob, sat, comment])
    return sessions, feedback


def ampm(t):
    return t.strftime("%I:%M%p").lstrip("0").lower()


def booking_app():
    """An appointment list as booking apps export it (Acuity's columns) and a survey tool's
    answers (Google Forms' Timestamp and Email Address, the questions as headers)."""
    head = ["Start Time", "End Time", "First Name", "Last Name", "Phone", "Email", "Type",
            "Calendar", "Appointment Price", "Paid?", "Amount Paid Online", "Certificate Code",
            "Notes", "Date Scheduled", "Label", "Scheduled By", "Appointment ID",
            "Pain level before your session (0-10) ", "Where is your pain? ",
            "Pain level after your session (0-10) "]
    rows = [head]
    for (i, c, t, start, minutes, tech, regions, pb, pa, fee, status) in BOOKINGS:
        first, last, email, _ = CLIENTS[c]
        if i == 1008:
            email = "Ann@Example.com"
        end = start + dt.timedelta(minutes=minutes)
        when = lambda d: f"{d.strftime('%B')} {d.day}, {d.year} {ampm(d)}"
        booked = start - dt.timedelta(days=9)
        rows.append([when(start), when(end), first, last, "555-0100", email, tech, t,
                     f"${fee:,.2f}", "yes" if status is None else "no",
                     f"${fee:,.2f}" if i % 2 else "$0.00", "", "", 
                     f"{booked.strftime('%B')} {booked.day}, {booked.year}", status or "",
                     "client", i, num(pb), ", ".join(regions), num(pa)])
    write(f"{HERE}/booking_app/appointments.csv", table(rows))
    head = ["Timestamp", "Email Address",
            "How many hours did the soreness last after your session?",
            "What is your pain level today (0-10)?",
            "How is your movement compared with before the session? (1-5)",
            "How satisfied are you with your session? (1-5)",
            "Anything else you would like to tell us?"]
    rows = [head]
    answers = [(CLIENTS[SESSION_CLIENT[i]][2], when, s, p, m, sa, co)
               for (i, when, s, p, m, sa, co) in ANSWERS]
    answers.append((CLIENTS[LATE[0]][2],) + LATE[1:])
    for (email, when, sore, pain, mob, sat, comment) in answers:
        if email.startswith("bo@"):
            email = "BO@Example.com"
        stamp = f"{when.strftime('%Y/%m/%d')} {when.strftime('%I:%M:%S %p').lstrip('0')} GMT+1"
        rows.append([stamp, email, num(sore), pain, mob, sat, comment])
    write(f"{HERE}/booking_app/survey.csv", table(rows))


def clinic_sheet():
    """A clinic system's spreadsheet: title rows above the header, date cells, `1h 30m`
    lengths, a State column, a Total row; its patients' survey as CSV keyed by patient number."""
    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Appointments"
    ws.append(["Harbour Street Clinic"])
    ws.append(["Appointments report, all practitioners"])
    ws.append([])
    ws.append(["Appointment Date", "Patient", "Patient #", "Practitioner", "Appointment Type",
               "Area", "Length", "State", "Pain before", "Pain after", "Fee"])
    total = 0.0
    for (i, c, t, start, minutes, tech, regions, pb, pa, fee, status) in BOOKINGS:
        first, last, _, number = CLIENTS[c]
        h, m = divmod(minutes, 60)
        length = " ".join(p for p in [f"{h}h" if h else "", f"{m}m" if m else ""] if p)
        state = {None: "Arrived", "No Show": "Did Not Arrive", "Cancelled": "Cancelled",
                 "Cancelled by customer": "Cancelled"}[status]
        ws.append([start, f"{first} {last}", int(number), t, tech, "; ".join(regions), length,
                   state, pb, pa, fee if status is None else 0])
        ws.cell(row=ws.max_row, column=1).number_format = "dd/mm/yyyy hh:mm"
        total += fee if status is None else 0
    ws.append([])
    ws.append(["Total", None, None, None, None, None, None, None, None, None, total])
    wb.create_sheet("Notes").append(["Exported by the clinic system"])
    os.makedirs(f"{HERE}/clinic_sheet", exist_ok=True)
    wb.save(f"{HERE}/clinic_sheet/appointments.xlsx")
    head = ["Patient #", "Date", "Soreness (hours)", "Pain now", "Mobility", "Rating",
            "Comments"]
    rows = [head]
    for (i, when, sore, pain, mob, sat, comment) in ANSWERS:
        rows.append([CLIENTS[SESSION_CLIENT[i]][3], when.strftime("%d/%m/%Y"), num(sore), pain,
                     mob, sat, comment])
    write(f"{HERE}/clinic_sheet/survey.csv", table(rows))
    # The hostile side: a workbook behind a password, and one that is no workbook at all.
    try:
        import msoffcrypto.format.ooxml
        with open(f"{HERE}/clinic_sheet/appointments.xlsx", "rb") as plain, \
                open(f"{HERE}/hostile/protected.xlsx", "wb") as locked:
            f = msoffcrypto.format.ooxml.OOXMLFile(plain)
            f.encrypt("secret", locked)
    except ImportError:
        pass
    write(f"{HERE}/hostile/damaged.xlsx", "PK\x03\x04 this is no workbook\n", "latin-1")


def other_workbooks():
    """The contract's own sessions as an OpenDocument sheet and as an old `.xls`, numbers as
    number cells and dates as date cells."""
    sessions, _ = contract_rows()
    numeric = {"duration_min", "pain_before", "pain_after", "fee"}
    import xlwt
    book = xlwt.Workbook()
    sheet = book.add_sheet("Sessions")
    dates = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for r, row in enumerate(sessions):
        for c, v in enumerate(row):
            name = sessions[0][c]
            if r and name == "date":
                sheet.write(r, c, dt.date.fromisoformat(v), dates)
            elif r and name in numeric and v != "":
                sheet.write(r, c, float(v))
            else:
                sheet.write(r, c, v)
    os.makedirs(f"{HERE}/workbooks", exist_ok=True)
    book.save(f"{HERE}/workbooks/sessions.xls")
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableRow, TableCell
    from odf.text import P
    doc = OpenDocumentSpreadsheet()
    table = Table(name="Sessions")
    for r, row in enumerate(sessions):
        tr = TableRow()
        for c, v in enumerate(row):
            name = sessions[0][c]
            if r and name == "date":
                cell = TableCell(valuetype="date", datevalue=v)
            elif r and name in numeric and v != "":
                cell = TableCell(valuetype="float", value=v)
            else:
                cell = TableCell(valuetype="string")
            cell.addElement(P(text=str(v)))
            tr.addElement(cell)
        table.addElement(tr)
    doc.spreadsheet.addElement(table)
    doc.save(f"{HERE}/workbooks/sessions.ods")


def european():
    """A European export: `;`, decimal commas, `1.234,50 €`, `31.10.2026`."""
    rows = [["Booking ref", "Client no.", "Client name", "Staff Name", "Date", "Service",
             "Area treated", "Duration", "Pain before", "Pain after", "Price"]]
    for (i, c, t, start, minutes, tech, regions, pb, pa, fee, status) in attended():
        first, last, email, number = CLIENTS[c]
        euro = f"{fee:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".") + " €"
        rows.append([i, number, f"{first} {last}", t, start.strftime("%d.%m.%Y"), tech,
                     ", ".join(regions), minutes, num(pb), num(pa), euro])
    write(f"{HERE}/european/sessions.csv", table(rows, ";"))
    rows = [["Booking ref", "Submitted", "Soreness hours", "Pain follow-up", "Mobility",
             "Satisfaction", "Comment"]]
    for (i, when, sore, pain, mob, sat, comment) in ANSWERS:
        rows.append([i, when.strftime("%d.%m.%Y %H:%M"), num(sore).replace(".", ","), pain,
                     mob, sat, comment])
    write(f"{HERE}/european/feedback.csv", table(rows, ";"))


def resaves():
    sessions, feedback = contract_rows()
    write(f"{HERE}/contract/sessions.csv", table(sessions))
    write(f"{HERE}/contract/feedback.csv", table(feedback))
    # Opened in a spreadsheet on Windows and saved again as "CSV (Comma delimited)".
    write(f"{HERE}/windows_1252/sessions.csv", table(sessions, lineterminator="\r\n"), "cp1252")
    write(f"{HERE}/windows_1252/feedback.csv", table(feedback, lineterminator="\r\n"), "cp1252")
    # Saved as "Unicode Text": UTF-16 with its byte-order mark, split by tabs.
    write(f"{HERE}/utf16/sessions.txt", "\ufeff" + table(sessions, "\t", "\r\n"), "utf-16-le")
    write(f"{HERE}/utf16/feedback.txt", "\ufeff" + table(feedback, "\t", "\r\n"), "utf-16-le")


if __name__ == "__main__":
    os.makedirs(f"{HERE}/hostile", exist_ok=True)
    booking_app()
    clinic_sheet()
    european()
    resaves()
    other_workbooks()
