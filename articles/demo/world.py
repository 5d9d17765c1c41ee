"""The fictional world of the demo: sections, the newsroom's staff, and the places, people and
organisations its stories are about. All invented; any likeness to real people is accidental."""

SITE_EMAIL_DOMAIN = "dailyledger.example"

# slug, name, description
SECTIONS = [
    ("news", "News", "Ardenport and the rest of Meridia: city hall, courts, transport, housing and the weather."),
    ("politics", "Politics", "The National Assembly, the government, the parties and the people who vote for them."),
    ("business", "Business", "Companies, jobs, prices and the Meridian economy."),
    ("world", "World", "Our correspondents on the neighbours, the region and the wider world."),
    ("science", "Science", "Research, health, climate and technology, explained."),
    ("culture", "Culture", "Theatre, music, film, books and the arts in Ardenport and beyond."),
    ("sport", "Sport", "Football, basketball, athletics and rowing, from the Premier Division to the parks."),
    ("opinion", "Opinion", "Columns and commentary. The views are the writers’ own."),
]

# Each author: name, job title, bio, beats (section slugs), X handle (or "").
AUTHORS = [
    (
        "Səbinə Əliyeva", "Senior political correspondent",
        "Səbinə Əliyeva has covered the National Assembly for the Ledger since 2017. Before that she reported on "
        "local government in Halvik and the Tarrow valley. She speaks Azerbaijani, Russian and English.",
        ["politics", "news"], "sebine_reports",
    ),
    (
        "Rəşad Məmmədov", "News editor",
        "Rəşad Məmmədov runs the news desk. He joined the Ledger as a court reporter and spent four years as its "
        "correspondent on the Saltmarsh coast.",
        ["news", "politics"], "",
    ),
    (
        "Helen Marsh", "Business editor",
        "Helen Marsh writes about companies, markets and the people who work in them. She previously edited the "
        "Ardenport Commercial Review.",
        ["business"], "helenmarsh",
    ),
    (
        "Tomás Ferreira", "World affairs correspondent",
        "Tomás Ferreira reports on Meridia’s neighbours and on diplomacy in the region. He is based in Ardenport "
        "and travels often.",
        ["world"], "tferreira",
    ),
    (
        "Aigerim Sadykova", "Science and health reporter",
        "Aigerim Sadykova covers medicine, public health and the research coming out of Meridia’s universities. "
        "She trained as a biologist.",
        ["science"], "",
    ),
    (
        "Daniel Okoro", "Sports writer",
        "Daniel Okoro covers football and athletics. He has reported from every ground in the Premier Division "
        "and still thinks the old Harbour Stadium was better.",
        ["sport"], "okoro_sport",
    ),
    (
        "Zoë Lindqvist", "Culture critic",
        "Zoë Lindqvist reviews theatre, music and film. She grew up in Halvik and studied at the Ardenport "
        "Conservatory.",
        ["culture"], "",
    ),
    (
        "Farid Hüseynov", "City hall reporter",
        "Farid Hüseynov reports on Ardenport city council, transport and housing. Tips about potholes are welcome.",
        ["news"], "faridhuseynov",
    ),
    (
        "Margaret O’Neill", "Columnist",
        "Margaret O’Neill writes a weekly column on politics and public life. She was a member of the National "
        "Assembly for twelve years.",
        ["opinion"], "",
    ),
    (
        "Leyla Qasımova", "Economics correspondent",
        "Leyla Qasımova writes about inflation, the budget and the central bank. She worked as an analyst before "
        "turning to journalism.",
        ["business", "politics"], "leylaq",
    ),
    (
        "Jonah Whitcombe", "Data reporter",
        "Jonah Whitcombe finds the stories in spreadsheets: public spending, air quality, school results and "
        "anything else with a number attached.",
        ["news", "science", "business"], "jwhitcombe",
    ),
    (
        "Nadia Benali", "Foreign editor",
        "Nadia Benali edits the World section. She has reported from eleven countries and speaks French, Arabic "
        "and English.",
        ["world"], "",
    ),
    (
        "Piotr Nowak", "Sports editor",
        "Piotr Nowak edits the Sport section and covers basketball. He played for Ardenport Harbour Lions’ "
        "youth team, briefly.",
        ["sport"], "",
    ),
    (
        "Ayşe Demir", "Books editor",
        "Ayşe Demir edits the books pages and runs the Ledger’s events at the Castle Hill Book Fair.",
        ["culture"], "aysedemir",
    ),
    (
        "Kwame Mensah", "Environment correspondent",
        "Kwame Mensah covers climate, energy and the natural world, with a particular interest in Meridia’s "
        "wetlands and coast.",
        ["science", "news"], "kmensah",
    ),
    (
        "Elif Karaca", "Opinion editor",
        "Elif Karaca edits the Opinion pages and writes about education, cities and the way we live now.",
        ["opinion"], "",
    ),
    (
        "Grace Abernethy", "Courts reporter",
        "Grace Abernethy reports from the Ardenport courts and on policing across Meridia.",
        ["news"], "",
    ),
    (
        "Ilya Sorokin", "Translator",
        "Ilya Sorokin translates reporting from Russian, Ukrainian and Azerbaijani for the Ledger.",
        ["world"], "",
    ),
]  # fmt: skip

# Demo logins are linked to these authors (see `accounts`).
WRITER_AUTHOR = "Səbinə Əliyeva"
EDITOR_AUTHOR = "Rəşad Məmmədov"

# Bylines credited with a role, never the lead name.
TRANSLATOR = "Ilya Sorokin"
CREDIT_ROLES = ["Additional reporting by", "Reporting by"]
DATA_REPORTER = "Jonah Whitcombe"  # credited as “Data by” when he helps another desk

DISTRICTS = [
    "Old Harbour", "Northgate", "Riverside", "Millbrook", "Castle Hill", "the Docklands", "Sarıbağ",
    "Westfield", "Lindenau", "Kestrel Park", "Stonebridge", "Köprülü", "Ashgrove", "Fenwick",
]  # fmt: skip
TOWNS = [
    "Halvik", "Dornbury", "Tarrow", "Belgrove", "Saltmarsh", "Yenikənd", "Port Ellis", "Morrow Vale",
    "Kilbride", "Şəfəq", "Elmstead", "Varnholm",
]  # fmt: skip
REGIONS = ["the northern highlands", "the Saltmarsh coast", "the eastern plains", "the Tarrow valley", "the lakes"]
STREETS = ["Harbour Street", "Lantern Row", "Quay Road", "Mill Lane", "Kestrel Avenue", "Station Parade"]

PARTIES = ["the Civic Alliance", "the People’s Union", "Green Future", "the National Reform Party"]
PORTFOLIOS = ["Finance", "Health", "Education", "Transport", "Energy", "Interior", "Agriculture", "Culture"]
MINISTERS = [
    "Orhan Qasımov", "Clara Vance", "Emil Rostov", "Günay Abbasova", "Peter Halloran", "Mirela Stan",
    "Tural Hacıyev", "Annika Brandt",
]  # fmt: skip
PRIME_MINISTER = "Irina Kessler"
MAYOR = "Helena Varga"
BILLS = [
    "the Housing Bill", "the Media Freedom Bill", "the Clean Air Bill", "the Rail Reform Bill",
    "the Pensions Bill", "the Digital Services Bill", "the Water Bill",
]  # fmt: skip
POLICIES = [
    "free school meals", "a cap on rents in the capital", "a four-day week for civil servants",
    "a tax on empty homes", "cheaper rail fares for students", "lowering the voting age to 16",
    "a national dental service", "a ban on new coal boilers",
]  # fmt: skip

COMPANIES = [
    ("Ardenport Shipping Company", "the shipping group"), ("Meridian Rail", "the rail operator"),
    ("Halvik Steelworks", "the steelmaker"), ("Northgate Bank", "the lender"),
    ("Bluewater Energy", "the power company"), ("Castlegate Foods", "the food group"),
    ("Lumen Telecom", "the telecoms company"), ("Sarıbağ Textiles", "the textile maker"),
    ("Kestrel Air", "the airline"), ("Tarrow Dairy Co-operative", "the co-operative"),
    ("Orbis Software", "the software company"), ("Fenwick & Daughters", "the department store chain"),
]  # fmt: skip
CEOS = ["Marcus Thorne", "Nigar Rzayeva", "Sofia Almeida", "Henrik Dahl", "Amira Haddad", "Victor Lang"]
PRODUCTS = ["electric buses", "frozen meals", "broadband", "wind turbines", "school uniforms", "cargo ferries"]

# Foreign places are invented too: Meridia's neighbours.
COUNTRIES = ["Ostravia", "Serin", "Lavonia", "Castellane", "the Kaldar Republic", "Norrmark"]
FOREIGN_CAPITALS = {
    "Ostravia": "Vel", "Serin": "Amaris", "Lavonia": "Korvetz", "Castellane": "Sainte-Aurèle",
    "the Kaldar Republic": "Kaldar", "Norrmark": "Holmgard",
}  # fmt: skip
FOREIGN_LEADERS = {
    "Ostravia": "President Anton Vell", "Serin": "Prime Minister Lucía Ordaz", "Lavonia": "Chancellor Mats Ekholm",
    "Castellane": "President Amélie Rousset", "the Kaldar Republic": "President Timur Aliyev",
    "Norrmark": "Prime Minister Sigrid Lund",
}  # fmt: skip
FOREIGN_OPPOSITION = ["Dragan Holt", "Maria Esteves", "Karl Wennberg", "Nadira Yusupova"]
FOREIGN_TOPICS = [
    "a border crossing",
    "fishing rights",
    "a gas pipeline",
    "river water",
    "rail links",
    "grain exports",
]

CLUBS = [
    "Ardenport Athletic", "Halvik United", "Dornbury Rovers", "Tarrow Town", "Saltmarsh City",
    "Belgrove Wanderers", "Port Ellis FC", "Northgate Albion",
]  # fmt: skip
BASKETBALL_CLUBS = ["Ardenport Harbour Lions", "Halvik Hawks", "Yenikənd Stars", "Dornbury Giants"]
PLAYERS = [
    "Elvin Nəbiyev", "Marco Bellini", "Tobi Adeyemi", "Jakub Horák", "Sami Laine", "Ruslan Quliyev",
    "Owen Pryce", "Luka Marić", "Kenji Mori", "Aziz Karimov",
]  # fmt: skip
ATHLETES = ["Amina Rahimli", "Freya Holm", "Laila Ortega", "Nkechi Obi", "Marta Sousa", "Ilaha Cəfərova"]
COACHES = ["Stefan Brück", "Anar Əhmədov", "Paula Reyes", "Gordon McLeish"]
COMPETITIONS = ["the Premier Division", "the Meridian Cup", "the Coastal League"]

VENUES = [
    "the Old Harbour Theatre", "the National Gallery", "the Ardenport Philharmonic Hall", "the Lindenau Arts Centre",
    "the Castle Hill Playhouse", "the Docklands Warehouse",
]  # fmt: skip
FESTIVALS = [
    "the Lindenau Film Festival", "the Castle Hill Book Fair", "the Harbour Lights Music Festival",
    "the Ardenport Biennale",
]  # fmt: skip
ARTISTS = [
    "Nərmin Kərimova", "Julian Ashe", "the Tarrow String Quartet", "Mira Sol", "Kofi Asante", "Hanna Wieck",
    "the Northgate Players", "Teymur Rzayev",
]  # fmt: skip
WORKS = [
    "The Salt Road", "A House on Lantern Row", "Winter Ferries", "The Last Tram", "Small Hours",
    "Nine Bridges", "The Glass Orchard", "Letters from Şəfəq", "Low Tide",
]  # fmt: skip
ART_FORMS = ["novel", "play", "film", "album", "exhibition", "opera"]

INSTITUTES = [
    "the University of Ardenport", "the Halvik Institute of Technology", "the Meridian Marine Laboratory",
    "the Tarrow Agricultural College", "the National Observatory",
]  # fmt: skip
# (topic, field, institute): each institute researches what it plausibly would.
RESEARCH = [
    ("a blood test for early lung disease", "medicine", "the University of Ardenport"),
    ("sleep and exam results in teenagers", "health", "the University of Ardenport"),
    ("cheaper sodium batteries", "energy", "the Halvik Institute of Technology"),
    ("microplastics in the Tarrow river", "pollution", "the Halvik Institute of Technology"),
    ("the decline of the Saltmarsh otter", "wildlife", "the Meridian Marine Laboratory"),
    ("a new antibiotic from harbour mud", "medicine", "the Meridian Marine Laboratory"),
    ("a drought-resistant strain of barley", "agriculture", "the Tarrow Agricultural College"),
    ("a comet passing close to the Sun", "astronomy", "the National Observatory"),
]
SPECIES = ["otter", "white stork", "sturgeon", "wildcat", "beaver", "marsh harrier"]

OFFICIAL_NAMES = ["Leyla Nəsirova", "Martin Crowe", "Yusif Babayev", "Ingrid Solberg", "Hasan Tağıyev", "Ruth Kimani"]
# Who speaks for whom, by the kind of story (see compose.OFFICIALS_BY_KIND).
OFFICIAL_ROLES = {
    "city": ["a spokesperson for city hall", "the deputy mayor", "the council’s head of planning"],
    "government": ["a government spokesperson", "a senior civil servant"],
    "justice": ["a spokesperson for the prosecution service"],
    "emergency": ["a spokesperson for the emergency services", "the regional fire chief"],
    "regional": ["a spokesperson for the regional development agency"],
    "regulator": ["a spokesperson for the energy regulator"],
    "foreign": ["a spokesperson for the Foreign Ministry"],
    "border": ["a spokesperson for the border agency"],
    "rescue": ["the head of the rescue team", "a spokesperson for the Foreign Ministry"],
    "health": ["a spokesperson for the regional health authority"],
    "environment": ["a spokesperson for the Environment Ministry"],
    "festival": ["the festival’s director"],
    "museum": ["the museum’s director"],
    "club": ["a spokesperson for the club"],
}

# Experts by field, so a wildlife story quotes a biologist and not a hospital consultant.
EXPERTS = {
    "economy": [
        ("Daniel Okafor", "an economist at the University of Ardenport"),
        ("Tariq Nasser", "director of the Centre for Fiscal Studies"),
        ("Marianne Keller", "chief economist at Northgate Bank"),
    ],
    "policy": [
        ("Professor Aysel Mirzəyeva", "who studies public policy at the Halvik Institute of Technology"),
        ("Jon Ellery", "a former civil servant who now lectures on government"),
        ("Dr Rana Haidari", "a political scientist at the University of Ardenport"),
    ],
    "science": [
        ("Dr Ines Vogel", "a researcher at the Meridian Marine Laboratory"),
        ("Professor Tomasz Wierzbicki", "a climate scientist at the University of Ardenport"),
        ("Dr Chiara Monti", "an ecologist at the Halvik Institute of Technology"),
    ],
    "health": [
        ("Dr Lena Park", "a consultant at St Brigid’s Hospital"),
        ("Professor Elnur Sadıqov", "who chairs the Meridian Medical Association"),
    ],
    "culture": [
        ("Professor Mehmet Aydın", "a historian at the University of Ardenport"),
        ("Astrid Nyberg", "a curator at the National Gallery"),
    ],
    "sport": [
        ("Gareth Lowe", "a former Meridia international"),
        ("Samira Haddou", "who writes about football finance"),
    ],
    "law": [
        ("Niamh Brennan", "a barrister who specialises in fraud"),
        ("Professor Rauf Əsgərov", "a criminal law expert at the University of Ardenport"),
    ],
    "world": [
        ("Dr Pavel Ilić", "of the Ardenport Institute of International Affairs"),
        ("Hélène Marchetti", "a former ambassador to the region"),
    ],
}
RESIDENTS = [
    ("Marta Kowalczyk", "54, who runs a bakery near the market"),
    ("Emin Həsənov", "a taxi driver who has lived in the district for 30 years"),
    ("Grace Liu", "a nurse and mother of two"),
    ("Oleg Varnas", "who owns a hardware shop on Quay Road"),
    ("Şəbnəm Rüstəmova", "a retired schoolteacher"),
    ("Callum Reid", "a student at the University of Ardenport"),
    ("Fatima Idrissi", "who chairs the local residents’ association"),
]  # fmt: skip
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
PROJECTS = [
    "the Northgate tram extension", "the new harbour bridge", "the Riverside flood barrier",
    "the Millbrook housing scheme", "the Castle Hill cable car", "the Docklands cycle route",
]  # fmt: skip
