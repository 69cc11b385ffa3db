"""Recalculate a workbook in headless LibreOffice; print every cell and defined name as JSON.

Design: start a private soffice (own profile, own UNO pipe), connect with retries, load the book
hidden and read-only, force calculateAll() (LibreOffice keeps cached .xlsx results otherwise), and
read doubles through UNO in bulk, since file exports round to 15 digits and per-cell calls cost ~1 ms.
Cells and names come back as positions (1-based row and column numbers, 0-based sheet indices);
the TypeScript caller (libreoffice.ts) writes and reads A1 addresses, so there is one copy of
spreadsheet addressing (src/spreadsheet/address.ts).
Usage: /usr/bin/python3 recalc.py [--set EDITS] BOOK [PROFILE_DIR]; exit 0 ok, 2 usage, 3 unloadable,
       4 office. EDITS is JSON, [[sheet, row, column, number], ...]: cells set before recalculating.
       Each sheet comes back with its charts: titles, and each series' ranges and drawn values.
       /usr/bin/python3 recalc.py --convert BOOK OUT [PROFILE_DIR]: recalculate BOOK and save it at
       OUT, as OpenDocument (OUT.ods) or Office Open XML (OUT.xlsx), printing {"converted": OUT}.
With XLGRAD_WATCH_STDIN=1, the end of stdin means the caller has died: the run is abandoned (see
watch_caller).
"""

import json
import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import zipfile
from xml.etree import ElementTree
from pathlib import Path

CONNECT_TIMEOUT_S = 20.0

# Codes observed from LibreOffice 7.4 (test/libreoffice.test.ts pins them), except 521, which is
# LibreOffice's #NULL! but was never produced: disjoint intersections give 524 there. 502 ("invalid
# argument": SQRT(-1), LOG(0), FACT(-1), OFFSET off-sheet) has no single Excel equivalent, so it
# keeps LibreOffice's spelling "Err:502", as do 523 (no convergence) and anything unlisted.
ERROR_NAMES = {
    503: "#NUM!",
    519: "#VALUE!",
    521: "#NULL!",
    522: "#CIRCULAR!",
    524: "#REF!",
    525: "#NAME?",
    532: "#DIV/0!",
    32767: "#N/A",
}

# A fresh profile makes soffice run its graphics self-test (4-9 s here) before it opens the pipe;
# LibreOffice skips it unless the version looks upgraded, so claim a last-run version from the
# future. Pinning 99.9 rather than the installed version keeps this working across upgrades.
PROFILE_SEED = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Setup/Product"><prop oor:name="ooSetupLastVersion" oor:op="fuse"><value>99.9</value></prop></item>
</oor:items>
"""


class Failure(Exception):
    def __init__(self, message, code):
        super().__init__(message)
        self.code = code


def error_name(code):
    return ERROR_NAMES.get(code, "Err:%d" % code)


def looks_encrypted(path):
    # Encrypted OOXML is an OLE2 container holding an "EncryptionInfo" stream (UTF-16 name in the
    # directory). Spotting it up front fails fast with a clear message instead of a vague load error.
    with open(path, "rb") as f:
        head = f.read(8)
        if head != b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
            return False
        return "EncryptionInfo".encode("utf-16-le") in f.read()


def start_office(soffice, profile_dir, pipe):
    user = Path(profile_dir) / "user"
    user.mkdir(parents=True, exist_ok=True)
    (user / "registrymodifications.xcu").write_text(PROFILE_SEED, encoding="utf-8")
    args = [
        soffice,
        "-env:UserInstallation=" + Path(profile_dir).resolve().as_uri(),
        "--headless", "--invisible", "--nologo", "--norestore", "--nodefault", "--nolockcheck",
        "--accept=pipe,name=%s;urp;StarOffice.ComponentContext" % pipe,
    ]
    # soffice chatters on stdout/stderr (e.g. the javaldx warning); stdout belongs to our JSON.
    return subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def connect(uno, proc, pipe):
    from com.sun.star.connection import NoConnectException
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + CONNECT_TIMEOUT_S
    while True:
        try:
            return resolver.resolve("uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe)
        except NoConnectException:
            # oosplash restarts soffice.bin once on a new profile, so only a dead launcher counts.
            if proc.poll() is not None:
                raise Failure("LibreOffice exited with code %s before accepting a connection"
                              % proc.returncode, 4)
            if time.monotonic() > deadline:
                raise Failure("LibreOffice did not accept a connection within %d s"
                              % CONNECT_TIMEOUT_S, 4)
            time.sleep(0.05)


def prop(name, value):
    from com.sun.star.beans import PropertyValue
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


def load(uno, desktop, path):
    # No InteractionHandler is passed, so any question (password, repair, macros) is answered
    # "cancel" and the load fails instead of blocking. Macros never run; links are never updated.
    props = (
        prop("Hidden", True),
        prop("ReadOnly", True),
        prop("MacroExecutionMode", 0),  # NEVER_EXECUTE
        prop("UpdateDocMode", 0),  # NO_UPDATE: no external links fetched
    )
    from com.sun.star.uno import Exception as UnoException
    try:
        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(path), "_blank", 0, props)
    except UnoException as e:
        raise Failure("LibreOffice could not load %s: %s" % (path, e.Message.splitlines()[0]), 3)
    if doc is None or not hasattr(doc, "Sheets"):
        if doc is not None:
            doc.close(True)
        raise Failure("LibreOffice could not load %s as a spreadsheet" % path, 3)
    return doc


def cells_of(rng):
    return {(r, c)
            for a in rng.getRangeAddresses()
            for r in range(a.StartRow, a.EndRow + 1)
            for c in range(a.StartColumn, a.EndColumn + 1)}


def read_sheet(sheet):
    from com.sun.star.sheet.CellFlags import FORMULA
    from com.sun.star.sheet.FormulaResult import ERROR
    cursor = sheet.createCursor()
    cursor.gotoEndOfUsedArea(False)
    end = cursor.RangeAddress
    area = sheet.getCellRangeByPosition(0, 0, end.EndColumn, end.EndRow)
    # getDataArray holds each cell's number (exact double) or string, None for errors, "" if empty.
    data = area.getDataArray()
    formulas = area.getFormulaArray()
    formula_cells = cells_of(area.queryContentCells(FORMULA))
    error_cells = cells_of(area.queryFormulaCells(ERROR))
    cells = []
    for r, row in enumerate(data):
        for c, value in enumerate(row):
            is_formula = (r, c) in formula_cells
            if (r, c) in error_cells:
                code = sheet.getCellByPosition(c, r).getError()
                cell = {"type": "error", "error": error_name(code), "code": code}
            elif isinstance(value, str):
                if value == "" and not is_formula:
                    continue
                cell = {"type": "text", "text": value}
            elif value is None:
                continue
            elif math.isfinite(value):
                cell = {"type": "value", "value": value}
            else:
                # JSON has no infinities; LibreOffice reports overflow as #NUM! anyway.
                cell = {"type": "error", "error": "#NUM!", "code": 503}
            if is_formula:
                cell["formula"] = formulas[r][c]
            cells.append([r + 1, c + 1, cell])
    return {"name": sheet.Name, "cells": cells, "charts": read_charts(sheet)}


def title_text(titled):
    title = titled.getTitleObject() if titled is not None else None
    return "".join(part.getString() for part in title.getText()) if title is not None else None


def finite_or_none(v):
    return v if isinstance(v, float) and math.isfinite(v) else None


def read_charts(sheet):
    """Each chart drawn on the sheet: its title, its axes' titles and per data series, by role
    (values-x, values-y), the cells it reads as LibreOffice spells them and the values it draws."""
    charts = sheet.getCharts()
    out = []
    for name in charts.getElementNames():
        doc = charts.getByName(name).getEmbeddedObject()
        chart = {"name": name, "title": title_text(doc), "axes": [], "series": []}
        for system in doc.getFirstDiagram().getCoordinateSystems():
            for dim in range(system.getDimension()):
                chart["axes"].append(title_text(system.getAxisByDimension(dim, 0)))
            for kind in system.getChartTypes():
                for series in kind.getDataSeries():
                    seqs = {}
                    for seq in series.getDataSequences():
                        values = seq.getValues()
                        seqs[values.getPropertyValue("Role")] = {
                            "range": values.getSourceRangeRepresentation(),
                            "values": [finite_or_none(v) for v in values.getData()],
                        }
                    chart["series"].append(seqs)
        out.append(chart)
    return out


def read_name(named):
    """The name's reference as LibreOffice spells it and, when it refers to cells, where they are:
    the sheet's index, the first cell's 1-based row and column, and how many rows and columns."""
    out = {"ref": named.Content}
    target = named.getReferredCells()
    if target is None:
        return out  # a constant or formula, not a reference
    addr = target.RangeAddress
    out.update(sheet=addr.Sheet, row=addr.StartRow + 1, column=addr.StartColumn + 1,
               rows=addr.EndRow - addr.StartRow + 1, columns=addr.EndColumn - addr.StartColumn + 1)
    return out


def read_names_uno(doc):
    names = {}
    ranges = doc.NamedRanges
    for name in ranges.ElementNames:
        names[name] = read_name(ranges.getByName(name))
    # Sheet-scoped names live on their sheet; key them like Excel does ("Sheet!name").
    for i in range(doc.Sheets.Count):
        sheet = doc.Sheets.getByIndex(i)
        local = getattr(sheet, "NamedRanges", None)
        if local is not None:
            for name in local.ElementNames:
                names["%s!%s" % (sheet.Name, name)] = read_name(local.getByName(name))
    return names


def names_in_file(path):
    """(key, reference) of every defined name, read from the file's xl/workbook.xml.

    Asking LibreOffice costs several UNO round trips per name (seconds for a workbook with
    thousands of names); the names are in the file as written, and calculating does not move
    them, so reading them there is exact and free. The caller reads the references' addresses."""
    with zipfile.ZipFile(path) as z:
        root = ElementTree.fromstring(z.read("xl/workbook.xml"))
    ns = root.tag[1:root.tag.index("}")] if root.tag.startswith("{") else ""
    q = (lambda t: "{%s}%s" % (ns, t)) if ns else (lambda t: t)
    sheets = [s.get("name") for s in root.iter(q("sheet"))]
    out = []
    for d in root.iter(q("definedName")):
        local = d.get("localSheetId")
        key = d.get("name") if local is None else "%s!%s" % (sheets[int(local)], d.get("name"))
        out.append((key, (d.text or "").strip()))
    return out


def read_names(doc, path):
    try:
        return {key: {"ref": ref} for key, ref in names_in_file(path)}
    except Exception:
        return read_names_uno(doc)  # not an OOXML zip we can read (an .ods): ask LibreOffice


def child_pids(pid):
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


def stop_office(proc, desktop):
    asked = False
    if desktop is not None:
        try:
            asked = desktop.terminate()
        except Exception:
            asked = True  # the bridge dies with the office, which is what we asked for
    if asked:
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
    # oosplash forwards to soffice.bin; killing only the launcher would orphan the real office.
    for pid in child_pids(proc.pid) + [proc.pid]:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    proc.wait()


# LibreOffice's export filters by the extension of the file to write.
FILTERS = {".ods": "calc8", ".xlsx": "Calc Office Open XML"}


def filter_of(path):
    ext = os.path.splitext(path)[1].lower()
    if ext not in FILTERS:
        raise Failure("cannot save as %s (only %s)" % (ext or path, ", ".join(FILTERS)), 2)
    return FILTERS[ext]


def recalculate(path, profile_dir, convert_to=None, edits=()):
    try:
        import uno
    except ImportError:
        raise Failure("python3-uno is not installed for %s" % sys.executable, 4)
    if not os.path.isfile(path):
        raise Failure("no such file: %s" % path, 3)
    if looks_encrypted(path):
        raise Failure("%s is password-protected (encrypted); save it without a password" % path, 3)
    soffice = os.environ.get("XLGRAD_SOFFICE") or shutil.which("soffice") or "/usr/bin/soffice"
    pipe = "xlgrad-" + uuid.uuid4().hex
    proc = start_office(soffice, profile_dir, pipe)
    desktop = None
    try:
        ctx = connect(uno, proc, pipe)
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        doc = load(uno, desktop, path)
        try:
            # Inputs typed in before recalculating: [sheet name, 1-based row, 1-based column, number].
            for name, row, column, value in edits:
                doc.Sheets.getByName(name).getCellByPosition(column - 1, row - 1).setValue(value)
            doc.calculateAll()
            if convert_to is not None:
                doc.storeToURL(uno.systemPathToFileUrl(convert_to), (prop("FilterName", filter_of(convert_to)),))
                return {"converted": convert_to}
            sheets = [read_sheet(doc.Sheets.getByIndex(i)) for i in range(doc.Sheets.Count)]
            return {"sheets": sheets, "names": read_names(doc, path)}
        finally:
            try:
                doc.close(True)
            except Exception:
                pass  # stop_office below ends the office whatever state the document is in
    finally:
        stop_office(proc, desktop)


def watch_caller(profile_dir):
    """Abandon the run when the caller dies, however it dies.

    xlgrad starts this script in a process group of its own (so a terminal's Ctrl-C cannot reach
    it) and kills that group itself on exit or signal; a SIGKILL gives it no chance to. Its end of
    our stdin pipe is closed by the kernel whatever happened, so a thread blocked reading stdin
    wakes on end-of-file, kills the rest of the group (oosplash, soffice.bin), waits until they
    are gone (an office still shutting down writes into its profile), deletes the profile, and
    ends this process."""
    def others():
        mine, group = os.getpid(), os.getpgrp()
        found = []
        for name in os.listdir("/proc") if os.path.isdir("/proc") else []:
            if not name.isdigit() or int(name) == mine:
                continue
            try:
                with open("/proc/%s/stat" % name) as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                if int(fields[2]) == group and fields[0] != "Z":
                    found.append(int(name))
            except (OSError, IndexError, ValueError):
                pass
        return found

    def run():
        try:
            while os.read(0, 4096):
                pass
        except OSError:
            pass
        if FINISHED.is_set():
            return  # the run is over and its output written: nothing left to abandon
        ABANDONED.set()  # the main thread, losing its office, must not end this process first
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            alive = others()
            if not alive:
                break
            for pid in alive:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            time.sleep(0.05)
        shutil.rmtree(profile_dir, ignore_errors=True)
        os.killpg(os.getpgrp(), signal.SIGKILL)

    threading.Thread(target=run, daemon=True).start()


# Set once the office is stopped and the result known, before it is printed.
FINISHED = threading.Event()
# Set when the caller has gone and the watcher is cleaning up; it ends the process when done.
ABANDONED = threading.Event()


def main(argv):
    try:
        return run_main(argv)
    finally:
        if ABANDONED.is_set():
            time.sleep(30)  # the watcher kills this process once the profile is removed


def run_main(argv):
    convert_to = None
    edits = []
    if len(argv) >= 3 and argv[1] == "--set":
        try:
            edits = [(str(n), int(r), int(c), float(v)) for n, r, c, v in json.loads(argv[2])]
        except (ValueError, TypeError):
            print(json.dumps({"error": "--set takes JSON [[sheet, row, column, number], ...]"}))
            return 2
        argv = argv[:1] + argv[3:]
    if len(argv) >= 2 and argv[1] == "--convert":
        if len(argv) < 4:
            argv = []  # the usage line below
        else:
            convert_to = os.path.abspath(argv[3])
            argv = argv[:1] + argv[2:3] + argv[4:]
    if len(argv) not in (2, 3):
        print(json.dumps({"error": "usage: recalc.py [--convert BOOK OUT | [--set EDITS] BOOK] [PROFILE_DIR]"}))
        return 2
    path = os.path.abspath(argv[1])
    own_profile = len(argv) == 2
    profile_dir = tempfile.mkdtemp(prefix="xlgrad-lo-") if own_profile else argv[2]
    if os.environ.get("XLGRAD_WATCH_STDIN") == "1":
        watch_caller(profile_dir)
    try:
        result = recalculate(path, profile_dir, convert_to, edits)
    except Failure as e:
        print(json.dumps({"error": str(e)}))
        return e.code
    except Exception as e:  # a UNO RuntimeException means the office died under us
        detail = " ".join(str(e).split())  # UNO messages span lines; callers want one
        print(json.dumps({"error": "LibreOffice failed: %s: %s" % (type(e).__name__, detail)}))
        return 4
    finally:
        FINISHED.set()
        if own_profile:
            shutil.rmtree(profile_dir, ignore_errors=True)
    # repr-based float output round-trips exactly, so JavaScript sees the same doubles.
    sys.stdout.write(json.dumps(result, allow_nan=False))
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
