"""The words of the demo: sites, tasks with their hazards and controls, defects, talk topics."""

from __future__ import annotations

SITES = (
    "LSD 04-12-045-05W5", "Drayton Valley battery 7", "Pembina 10-22 wellsite", "LSD 14-33-048-07W5",
    "Brazeau 6-19 pad", "Whitecourt 2-28 compressor station", "LSD 08-03-053-18W5",
    "Cynthia gas plant turnaround", "LSD 11-27-049-09W5", "Lodgepole 16-5 riser site",
    "Hwy 22 pipeline crossing km 14", "LSD 02-15-047-06W5",
)
SITE_CONDITIONS = (
    ("sour well on lease, H2S possible", "personal H2S monitors on, muster point upwind at lease entrance"),
    ("overhead power line along north edge", "spotter when booming up, keep 7 m limit of approach"),
    ("several pipelines crossing lease", "locates flagged and crossing agreements on site"),
    ("steep lease road approach", "chains on in wet weather, 30 km/h on lease road"),
    ("live battery equipment, hot surfaces", "stay out of fenced area, work permit from operator"),
    ("soft ground near flare pit", "mats under equipment, stay 10 m from pit"),
    ("bears seen in area", "bear spray on belt, work in pairs"),
    ("remote site, poor cell coverage", "InReach check-in every 2 h"),
    ("highway traffic at access", "signs out, flagger for trucks entering highway"),
    ("landowner gates and cattle", "close gates behind, watch for livestock"),
)
# role -> tasks: (task, ((hazard, control), ...))
TASKS: dict[str, tuple[tuple[str, tuple[tuple[str, str], ...]], ...]] = {
    "Equipment Operator": (
        ("Excavating for flowline tie-in", (
            ("buried lines", "locates confirmed, hand expose within 1 m"),
            ("swing radius / struck-by", "spotter with eye contact, swing radius flagged"),
            ("trench wall collapse", "walls sloped, no entry over 1.2 m without protection"),
            ("spoil pile too close to edge", "spoil kept 1 m back from edge"))),
        ("Lease construction and grading", (
            ("uneven ground, rollover", "work up and down slopes, seatbelt on"),
            ("trucks backing on lease", "radio ch. 3, spotter for backing"),
            ("dust", "water truck on site, cab closed"))),
        ("Backfill and compaction", (
            ("blind spots around packer", "stay out of blind spots, radio contact"),
            ("pinch points on attachment change", "lock out before changing attachment"),
            ("coating damage on pipe", "padding sand first 300 mm"))),
        ("Topsoil stripping and reclamation", (
            ("mixing topsoil and subsoil", "separate piles, staked and signed"),
            ("slope instability", "bench slopes, no work under overhang"))),
    ),
    "Labourer": (
        ("Hand exposing pipelines", (
            ("line strike", "hand dig within 1 m of locates, probe bar only"),
            ("back strain from digging", "rotate digging every 30 min"),
            ("sour gas near wellhead", "H2S monitor on, know the muster point"))),
        ("Spotting for excavator", (
            ("struck by bucket", "stay out of swing radius, eye contact before moving"),
            ("tripping on spoil", "clear walking path along trench"))),
        ("Installing silt fence and matting", (
            ("cuts from wire and stakes", "cut-resistant gloves"),
            ("manual handling of mats", "two-person lift, use picker for mats"))),
        ("Site cleanup and housekeeping", (
            ("sharp debris", "gloves, pick up with tongs"),
            ("traffic on lease", "high-vis on, stay visible to operators"))),
    ),
    "Truck Driver": (
        ("Hauling gravel to lease", (
            ("soft shoulders on lease road", "reduce speed, stay in tracks"),
            ("backing on lease", "spotter or walk-around, backup alarm working"),
            ("raising box near power lines", "check for lines before raising box"))),
        ("Moving equipment on lowboy", (
            ("load securement", "4-point chains, check after first 80 km"),
            ("slippery loading ramps", "clean tracks, spotter for loading"))),
        ("Hydrovac daylighting", (
            ("high-pressure wand", "dead-man trigger, face shield"),
            ("line strike", "pressure under 2500 psi near lines"))),
    ),
    "Supervisor": (
        ("Crew supervision and job walk", (
            ("several crews and machines on lease", "pre-job meeting, FLHAs reviewed"),
            ("sour gas", "H2S monitors bump tested"),
            ("ground disturbance", "ground disturbance checklist signed, locates on site"))),
        ("Locates and ground disturbance sign-off", (
            ("unmarked lines", "third-party locates and sweep before digging"),
            ("working alone while walking lines", "check-in by radio every hour"))),
    ),
}
TASKS["Operations Manager"] = TASKS["Supervisor"]
SHOP_TASKS = (
    ("Equipment maintenance in shop", (
        ("stored hydraulic pressure", "lock out and bleed pressure before work"),
        ("grinding sparks near fuel", "fire watch, extinguisher at hand"),
        ("oil on shop floor", "absorbent down, clean spills right away"))),
    ("Loading trailers in yard", (
        ("forklift traffic", "spotter, pedestrians stay in walkway"),
        ("manual handling", "use the forklift, two-person lift over 23 kg"))),
)
COPY_PASTE_HAZARDS = "Slips trips and falls, pinch points, overhead hazards, traffic"  # planted: E2.4
COPY_PASTE_CONTROLS = "Be careful, PPE on, watch footing"

MINOR_DEFECTS = (
    ("wiper blade worn", "replaced at shop"), ("washer fluid low", "topped up"),
    ("fire extinguisher tag due next month", "office booking service"), ("mud flap torn", "replaced"),
    ("cab light out", "bulb replaced"), ("first aid kit missing gauze", "restocked from shop"),
)
MAJOR_DEFECTS = (
    ("hydraulic leak at boom cylinder", "tagged out, mechanic replaced seal"),
    ("brake light out, left side", "parked, replaced bulb and checked wiring"),
    ("cracked windshield in driver's view", "glass replaced in Edson"),
    ("track tension loose", "adjusted tension to spec"),
    ("backup alarm not working", "alarm replaced before use"),
    ("air leak at trailer glad hands", "seals replaced"),
)
PLANTED_DEFECT = "hydraulic hose leaking at loader arm, oil on ground"  # planted: E4.3
YARD_DEFICIENCIES = (
    ("fire extinguisher in shop overdue for monthly check", "inspect and tag extinguisher"),
    ("extension cord across walkway", "reroute cord, add cord cover"),
    ("spill kit at fuel tank missing pads", "restock spill kit"),
    ("oily rags in open bin", "replace with closed metal rag can"),
    ("guard missing on bench grinder", "reinstall guard before use"),
)
SITE_DEFICIENCIES = (
    ("excavation not flagged on east side", "flag and barricade excavation"),
    ("H2S monitor missing bump test record", "bump test all monitors, log it"),
    ("housekeeping: pipe offcuts on lease", "clean up offcuts"),
    ("spotter without radio", "issue radio to spotter"),
    ("first aid kit in crew truck incomplete", "restock kit"),
)
TOPICS = (
    "Ground disturbance and locates", "H2S awareness and monitors", "Winter driving on lease roads",
    "Spotting and swing radius", "Trenching and excavation safety", "Hand safety and glove selection",
    "Working near overhead power lines", "Lockout and tagout", "Fatigue management", "Slips, trips and falls",
    "Heat stress and hydration", "Cold stress and frostbite", "Fire extinguishers", "Wildlife awareness",
    "Backing and spotters", "Load securement", "Emergency response plan and muster points", "Spill response",
    "Hearing protection", "Working alone procedure", "Near miss reporting", "Right to refuse unsafe work",
    "Defensive driving", "Confined space hazards", "Hydrovac safety", "Ladder safety", "PPE inspection",
    "Manual handling and lifting", "Pre-start inspections", "WHMIS labels and SDS",
    "Housekeeping on site", "Hoisting and rigging with the picker",
)
ORIENTATION_TOPICS = (
    "Safety policy", "Roles and responsibilities", "Hazard identification and FLHA process", "PPE requirements",
    "Emergency response plan", "Incident and near miss reporting", "Right to refuse unsafe work",
    "Working alone procedure",
)
TOPIC_POINTS = {
    "Ground disturbance and locates": "call Alberta One-Call 3 days ahead, locates valid 30 days, hand expose 1 m",
    "H2S awareness and monitors": "bump test daily, 10 ppm alarm means leave upwind, buddy system for rescue",
    "Winter driving on lease roads": "block heaters plugged in, survival kit in every unit, slow on bridges",
    "Spotting and swing radius": "eye contact before approaching, one spotter per machine, agreed hand signals",
    "Trenching and excavation safety": "slope or shore over 1.5 m, ladder every 8 m, spoil 1 m back",
    "Hand safety and glove selection": "cut-resistant gloves for pipe, impact gloves for rigging, no rings",
    "Working near overhead power lines": "7 m limit of approach for 69 kV, dedicated spotter, call utility",
    "Lockout and tagout": "own lock per worker, try start after isolation, stored energy bled off",
    "Fatigue management": "14-hour max shift, report tiredness to supervisor, no driving after night shift",
    "Slips, trips and falls": "three points of contact on equipment, ice cleats in winter, clear walkways",
    "Heat stress and hydration": "water every 20 minutes, shade breaks, watch crew for cramps and confusion",
    "Cold stress and frostbite": "layers, warm-up breaks in trucks below -25, check each other's faces",
    "Fire extinguishers": "PASS method, monthly tag check, which extinguisher for fuel fires",
    "Wildlife awareness": "bear spray on belt, make noise in brush, no food scraps on lease",
    "Backing and spotters": "walk-around before backing, spotter stays in mirror view, stop if you lose sight",
    "Load securement": "working load limit of chains, corner protectors, re-check at first stop",
    "Emergency response plan and muster points": "muster point for each site, STARS coordinates, radio calls",
    "Spill response": "stop the source, contain with kit, report all spills to supervisor and client",
    "Hearing protection": "plugs near hydrovac and compactors, double up over 100 dB",
    "Working alone procedure": "check-in schedule, InReach use, what happens after a missed check-in",
    "Near miss reporting": "report every near miss on the form the same day, no blame, what we learn",
    "Right to refuse unsafe work": "how to refuse, who to tell, no reprisal under the OHS Act",
    "Defensive driving": "4-second following distance, no phones, headlights on",
    "Confined space hazards": "what counts as a confined space, no entry without permit and gas test",
    "Hydrovac safety": "dead-man wand, pressure limits near lines, debris tank dumping",
    "Ladder safety": "4 to 1 angle, tie off at top, inspect rails and feet before use",
    "PPE inspection": "hard hat date stamps, FR coveralls condition, replace damaged gloves",
    "Manual handling and lifting": "size up the load, lift with legs, two people over 23 kg",
    "Pre-start inspections": "fill the pre-start before first use, fail means tag out, tell the supervisor",
    "WHMIS labels and SDS": "supplier vs workplace labels, where the SDS binder is, new pictograms",
    "Housekeeping on site": "tools back in trucks, pipe offcuts picked up, garbage bins lidded",
    "Hoisting and rigging with the picker": "inspect slings, tag lines on every lift, never under the load",
}
DISCUSSION = (
    "Crew asked about the new client rules.", "Went over last week's near miss.", "Short talk, crew at the truck.",
    "Reviewed with the client's site rep present.", "Crew added their own examples.", "Handed out the SDS sheets.",
)
PASTED_PROCEDURE = (
    "SAFE WORK PROCEDURE - GROUND DISTURBANCE. 1. Scope: all ground disturbance over 30 cm. 2. Before work: "
    "request locates through Alberta One-Call at least 3 working days ahead; confirm all third-party locates "
    "on site; review the crossing agreements; complete the ground disturbance checklist and sign it. "
    "3. During work: hand expose or hydrovac within 1 m of every located line; a spotter watches the bucket "
    "at all times; stop work on any unexpected find and call the supervisor. 4. After work: backfill in "
    "lifts, pad lines with sand, update the as-built drawing and close the checklist. "
)
INCIDENT_STORIES = (
    ("Near Miss",
     "Excavator bucket swung within 1 m of the spotter when the spotter stepped into the swing radius",
     "Spotter entered swing radius without eye contact with the operator",
     "Swing radius was not marked and the pre-job talk did not cover where the spotter stands",
     "Flag swing radius on every excavation; spotter position added to the FLHA form"),
    ("Vehicle",
     "Pickup slid on the soft lease road and its right front wheel went into the ditch; no injuries",
     "Speed too high for road conditions after rain",
     "No rule for lease road travel after rain; journey management did not check road conditions",
     "Lease road speed 30 km/h after rain; call ahead to the site for road conditions"),
    ("First Aid",
     "Worker cut his left hand on the sharp edge of a pipe offcut while cleaning up the lease",
     "Handling pipe offcut with worn leather gloves",
     "Worker cut his left hand on the sharp edge of a pipe offcut while cleaning up the lease",  # planted: E6.3
     "Cut-resistant gloves issued to all labourers; offcuts picked up with tongs"),
    ("Property Damage",
     "Gravel truck backed into the yard gate post and bent the gate",
     "Backing without a spotter in the dark",
     "Yard lighting at the gate out for two weeks and no spotter rule for the yard",
     "Yard light repaired; spotter required for all backing in the yard"),
    ("Medical Aid",
     "Labourer strained his lower back lifting a rig mat by hand; seen at the Edson clinic",
     "Manual lift of a mat heavier than one person should lift",
     "No picker available and no rule on mat handling; schedule put speed ahead of the lift plan",
     "Mats moved only with the picker or skid steer; rule added to the orientation"),
    ("Near Miss",
     "Hydrovac wand lost pressure control and the hose whipped near the operator's legs",
     "Worn quick-connect fitting on the wand hose",
     "Hoses and fittings not on the daily pre-start list for the hydrovac unit",
     "Hose and fittings added to the hydrovac pre-start; worn fittings replaced"),
)
