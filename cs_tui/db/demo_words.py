"""Word pools for the demo portfolio: people, companies, comments, notes, churn reasons.

Every pool is a tuple (fixed order), so the generator indexes into it deterministically.
"""

from __future__ import annotations

FIRST_NAMES: tuple[str, ...] = (
    "Aaliyah", "Abdul", "Ada", "Adrian", "Aisha", "Alba", "Alejandro", "Alex", "Amara", "Amir",
    "Ana", "Andrea", "Anil", "Anja", "Arjun", "Astrid", "Ava", "Ben", "Bianca", "Bruno",
    "Carla", "Carlos", "Chen", "Chiara", "Chloe", "Chris", "Dana", "Daniel", "Dario", "David",
    "Deepa", "Diego", "Dmitri", "Elena", "Eli", "Emeka", "Emma", "Erik", "Esther", "Fatima",
    "Felix", "Fiona", "Freya", "Gabriel", "Grace", "Hana", "Hannah", "Hiro", "Ibrahim", "Ines",
    "Ingrid", "Isaac", "Ivan", "Jade", "Jamal", "James", "Jana", "Javier", "Jin", "Joao",
    "Jonas", "Julia", "Kai", "Karin", "Kenji", "Kofi", "Lara", "Leila", "Leo", "Lina",
    "Lucas", "Lucia", "Maja", "Marco", "Maria", "Mateo", "Maya", "Mei", "Mohammed", "Nadia",
    "Naomi", "Nia", "Nikos", "Noah", "Nora", "Olga", "Omar", "Oscar", "Paula", "Pedro",
    "Priya", "Rafael", "Ravi", "Rosa", "Ruth", "Sami", "Sara", "Sven", "Tariq", "Tomas",
    "Uma", "Victor", "Wei", "Yara", "Yusuf", "Zara", "Zoe", "Liam", "Mila", "Theo",
)  # fmt: skip

LAST_NAMES: tuple[str, ...] = (
    "Abara", "Adams", "Ahmed", "Alvarez", "Andersen", "Bakker", "Banerjee", "Becker", "Bianchi",
    "Brennan", "Campbell", "Castro", "Chandra", "Chen", "Costa", "Dahl", "Diallo", "Dubois",
    "Eriksen", "Evans", "Fernandes", "Fischer", "Fontaine", "Garcia", "Gomez", "Greene", "Gupta",
    "Haddad", "Hansen", "Hartmann", "Hughes", "Ibrahim", "Ivanova", "Jensen", "Johansson",
    "Kaplan", "Kato", "Keller", "Khan", "Kim", "Kowalski", "Kruger", "Larsen", "Laurent", "Lee",
    "Lindqvist", "Lopez", "Mancini", "Martin", "Mendes", "Meyer", "Moreau", "Murphy", "Nakamura",
    "Ng", "Nielsen", "Novak", "Nowak", "Okafor", "Oliveira", "Olsen", "Osei", "Park", "Patel",
    "Petrov", "Popescu", "Quinn", "Rahman", "Reyes", "Ricci", "Rossi", "Russo", "Sato", "Schmidt",
    "Schneider", "Silva", "Singh", "Smith", "Sousa", "Suzuki", "Takahashi", "Tanaka", "Torres",
    "Turner", "Varga", "Vogel", "Wagner", "Walsh", "Wang", "Weber", "Williams", "Wong", "Wright",
    "Yamamoto", "Yilmaz", "Young", "Zhang", "Zimmermann", "Zulu", "Moreno",
)  # fmt: skip

COMPANY_FIRST: tuple[str, ...] = (
    "Acme", "Alder", "Alpine", "Amber", "Apex", "Arbor", "Atlas", "Aurora", "Beacon", "Birch",
    "Blue Harbor", "Bold", "Boreal", "Brightwater", "Cedar", "Cinder", "Clearpath", "Cobalt",
    "Copper", "Coral", "Crescent", "Crimson", "Delta", "Drift", "Eastwind", "Echo", "Ember",
    "Evergreen", "Falcon", "Fern", "Fjord", "Flint", "Foxglove", "Galaxy", "Garnet", "Glacier",
    "Golden Gate", "Granite", "Harbor", "Hawthorn", "Helix", "Highland", "Horizon", "Indigo",
    "Iron", "Ivory", "Jasper", "Juniper", "Keystone", "Kinetic", "Lakeside", "Lantern", "Linden",
    "Lumen", "Maple", "Marble", "Meridian", "Mesa", "Midnight", "Monarch", "Nimbus", "Northwind",
    "Nova", "Oak", "Obsidian", "Onyx", "Orbit", "Pacific", "Pine", "Pinnacle", "Polar", "Prairie",
    "Quartz", "Quill", "Radiant", "Raven", "Redwood", "Ridge", "River", "Sage", "Sapphire",
    "Sequoia", "Silverline", "Solstice", "Spruce", "Starling", "Stone", "Summit", "Sunrise",
    "Tandem", "Thistle", "Tidal", "Timber", "Topaz", "True North", "Tundra", "Umber", "Vale",
    "Vertex", "Vista", "Willow", "Winter", "Zenith", "Zephyr",
)  # fmt: skip

COMPANY_SECOND: tuple[str, ...] = (
    "Analytics", "Apparel", "Architects", "Bakery", "Bank", "Bikes", "Biotech", "Brands",
    "Brewing", "Builders", "Capital", "Care", "Clinics", "Cloud", "Coffee", "Consulting",
    "Dental", "Design", "Digital", "Education", "Electric", "Energy", "Engineering", "Events",
    "Fitness", "Foods", "Freight", "Furniture", "Games", "Gardens", "Health", "Homes",
    "Hospitality", "Insurance", "Interiors", "Labs", "Law", "Learning", "Legal", "Logistics",
    "Marine", "Media", "Medical", "Motors", "Networks", "Nutrition", "Optics", "Outdoors",
    "Partners", "Pets", "Pharma", "Print", "Realty", "Recruiting", "Robotics", "Security",
    "Software", "Solar", "Studios", "Supply", "Systems", "Telecom", "Textiles", "Tours",
    "Travel", "Ventures", "Water", "Wellness", "Wines", "Works", "Aerospace", "Agency", "Audio",
    "Aviation", "Beauty", "Books", "Chemicals", "Construction", "Cosmetics", "Dairy", "Data",
    "Distribution", "Farms", "Fashion", "Finance", "Glass", "Goods", "Grocers", "Hardware",
    "Imaging", "Industries", "Instruments", "Jewelry", "Kitchens", "Machines", "Manufacturing",
    "Materials", "Metals", "Mining", "Mobility", "Music", "Packaging", "Paper", "Payments",
    "Plastics", "Power", "Publishing", "Radio", "Research", "Restaurants", "Retail", "Sensors",
    "Shipping", "Sports", "Storage", "Surgical", "Tools", "Toys", "Transit", "Vision",
)  # fmt: skip

COMPANY_SUFFIX: tuple[str, ...] = ("", "", " Inc", " Ltd", " GmbH", " Group", " LLC", " & Co")

BRACKETS_NAME = "Square [Brackets] & Co"
"""An account name that looks like Rich markup: the UI must show it literally."""

CHURN_REASONS: tuple[str, ...] = (
    "Budget cuts",
    "Switched to a competitor",
    "Low adoption: the team never made it part of their routine",
    "Champion left the company",
    "Acquired; consolidating vendors",
    "Missing features (reporting, SSO)",
    "Poor onboarding experience",
    "Business closed",
)

NPS_COMMENTS: tuple[tuple[str, ...], ...] = (
    # detractors (0-6)
    (
        "Reports are confusing and slow.",
        "Support takes days to answer.",
        "We pay for seats nobody uses.",
        "The CRM sync keeps breaking.",
        "Too expensive for what we get.",
        "Onboarding was rushed; we are still stuck.",
        "Hard to get the team to log in.",
        "Missing the integrations we were promised.",
    ),
    # passives (7-8)
    (
        "Does the job, a few rough edges.",
        "Good product, the learning curve is steep.",
        "Would like better dashboards.",
        "Fine overall; pricing could be clearer.",
        "Support is helpful when we reach them.",
        "Works well once it is set up.",
    ),
    # promoters (9-10)
    (
        "Our team lives in it every day.",
        "The workflows saved us hours every week.",
        "Great support, great CSM!",
        "Best tool we adopted this year.",
        "Lead tracking finally makes sense.",
        "Easy to use and the reports are spot on.",
        "We recommended it to two partners already.",
    ),
)

CSAT_COMMENTS: tuple[tuple[str, ...], ...] = (
    # 1-2
    (
        "Took far too long to resolve.",
        "Had to explain the problem three times.",
        "Issue is not really fixed.",
    ),
    # 3
    ("Solved eventually.", "OK, but slow.", "Workaround works for now."),
    # 4-5
    (
        "Quick and friendly, thanks!",
        "Solved in minutes.",
        "Clear explanation, problem gone.",
        "Great help from support.",
    ),
)

TOPICS: tuple[str, ...] = (
    "reporting needs",
    "the CRM integration",
    "new workflow ideas",
    "seat usage",
    "the product roadmap",
    "lead attribution",
    "email campaign results",
    "training for new hires",
    "their quarterly goals",
    "API limits",
)

HEALTHY_NOTES: tuple[str, ...] = (
    "Usage strong across teams; asked about more seats.",
    "Champion shared a success story we could use as a case study.",
    "Team adopted the new dashboard quickly.",
    "Discussed expansion to the marketing team.",
    "Happy with support; no open issues.",
)

STEADY_NOTES: tuple[str, ...] = (
    "Routine check-in; no concerns raised.",
    "Walked through the latest release notes.",
    "Shared best practices for lead nurture.",
    "Reviewed open tickets together; all on track.",
    "Sent the webinar schedule for next month.",
)

RISK_NOTES: tuple[str, ...] = (
    "Usage keeps dropping; agreed on a re-training session.",
    "Champion seems less engaged; need a new executive contact.",
    "Complaints about the reports module; escalated to product.",
    "Budget under review on their side; renewal at risk.",
    "Several tickets this month; customer frustrated.",
    "Logins down sharply since last month; asked why, no answer yet.",
)
