"""Names and words the demo generator draws on.

Places, organisations and countries are real, so the demo reads like coverage
of the war in Ukraine; people are invented, so no real person is quoted in
generated text.
"""

# (name, aliases, latitude, longitude)
COUNTRIES = [
    ("Ukraine", [], 49.0, 32.0),
    ("Russia", ["Russian Federation"], 61.5, 105.3),
    ("Belarus", [], 53.7, 27.9),
    ("Poland", [], 51.9, 19.1),
    ("Moldova", [], 47.4, 28.4),
    ("Romania", [], 45.9, 24.9),
    ("Georgia", [], 42.3, 43.4),
    ("North Korea", ["DPRK", "Democratic People's Republic of Korea"], 40.3, 127.5),
    ("United States", ["US", "USA", "United States of America"], 38.0, -97.0),
    ("United Kingdom", ["UK", "Britain"], 55.4, -3.4),
    ("Germany", [], 51.2, 10.4),
    ("France", [], 46.2, 2.2),
    ("Turkey", ["Türkiye"], 39.0, 35.2),
    ("Iran", [], 32.4, 53.7),
    ("China", [], 35.9, 104.2),
    ("Hungary", [], 47.2, 19.5),
    ("Slovakia", [], 48.7, 19.7),
    ("Lithuania", [], 55.2, 23.9),
    ("Latvia", [], 56.9, 24.6),
    ("Estonia", [], 58.6, 25.0),
    ("Finland", [], 61.9, 25.7),
    ("Switzerland", [], 46.8, 8.2),
]

# (name, aliases, country, latitude, longitude)
REGIONS = [
    ("Kyiv region", ["Kiev region"], "Ukraine", 50.4, 30.5),
    ("Kharkiv region", ["Kharkov region"], "Ukraine", 49.6, 36.4),
    ("Donetsk region", [], "Ukraine", 48.0, 37.8),
    ("Luhansk region", ["Lugansk region"], "Ukraine", 48.6, 39.3),
    ("Zaporizhzhia region", ["Zaporizhzhya region", "Zaporozhye region"], "Ukraine", 47.5, 35.8),
    ("Kherson region", [], "Ukraine", 46.6, 33.4),
    ("Mykolaiv region", ["Nikolaev region"], "Ukraine", 47.3, 31.9),
    ("Odesa region", ["Odessa region"], "Ukraine", 46.7, 30.0),
    ("Dnipropetrovsk region", [], "Ukraine", 48.5, 35.0),
    ("Sumy region", [], "Ukraine", 50.9, 34.8),
    ("Chernihiv region", ["Chernigov region"], "Ukraine", 51.5, 31.3),
    ("Poltava region", [], "Ukraine", 49.6, 34.5),
    ("Lviv region", ["Lvov region"], "Ukraine", 49.8, 24.0),
    ("Zhytomyr region", [], "Ukraine", 50.3, 28.7),
    ("Vinnytsia region", ["Vinnitsa region"], "Ukraine", 49.2, 28.5),
    ("Khmelnytskyi region", [], "Ukraine", 49.4, 27.0),
    ("Cherkasy region", [], "Ukraine", 49.4, 32.1),
    ("Rivne region", [], "Ukraine", 50.6, 26.3),
    ("Volyn region", [], "Ukraine", 50.7, 25.3),
    ("Ternopil region", [], "Ukraine", 49.6, 25.6),
    ("Ivano-Frankivsk region", [], "Ukraine", 48.9, 24.7),
    ("Zakarpattia region", [], "Ukraine", 48.6, 22.3),
    ("Chernivtsi region", [], "Ukraine", 48.3, 25.9),
    ("Kirovohrad region", [], "Ukraine", 48.5, 32.3),
    ("Crimea", [], "Ukraine", 45.3, 34.1),
    ("Kursk region", [], "Russia", 51.7, 36.2),
    ("Belgorod region", [], "Russia", 50.6, 36.6),
    ("Bryansk region", [], "Russia", 53.2, 34.4),
    ("Rostov region", [], "Russia", 47.2, 39.7),
    ("Krasnodar region", ["Krasnodar Krai"], "Russia", 45.0, 39.0),
    ("Voronezh region", [], "Russia", 51.7, 39.2),
    ("Tambov region", [], "Russia", 52.7, 41.4),
    ("Moscow region", [], "Russia", 55.8, 37.6),
]

# (name, aliases, region or country, latitude, longitude)
CITIES = [
    ("Kyiv", ["Kiev"], "Ukraine", 50.45, 30.52),
    ("Kharkiv", ["Kharkov"], "Kharkiv region", 49.99, 36.23),
    ("Zaporizhzhia", ["Zaporizhzhya", "Zaporozhye"], "Zaporizhzhia region", 47.84, 35.14),
    ("Odesa", ["Odessa"], "Odesa region", 46.48, 30.72),
    ("Dnipro", [], "Dnipropetrovsk region", 48.46, 35.05),
    ("Kherson", [], "Kherson region", 46.64, 32.61),
    ("Mykolaiv", ["Nikolaev"], "Mykolaiv region", 46.97, 31.99),
    ("Sumy", [], "Sumy region", 50.91, 34.80),
    ("Lviv", ["Lvov"], "Lviv region", 49.84, 24.03),
    ("Pokrovsk", [], "Donetsk region", 48.28, 37.18),
    ("Bakhmut", ["Artemovsk"], "Donetsk region", 48.60, 38.00),
    ("Avdiivka", ["Avdeyevka"], "Donetsk region", 48.14, 37.74),
    ("Kramatorsk", [], "Donetsk region", 48.72, 37.56),
    ("Sloviansk", ["Slavyansk"], "Donetsk region", 48.85, 37.60),
    ("Chasiv Yar", [], "Donetsk region", 48.59, 37.84),
    ("Toretsk", [], "Donetsk region", 48.40, 37.85),
    ("Kostiantynivka", ["Konstantinovka"], "Donetsk region", 48.53, 37.70),
    ("Vuhledar", ["Ugledar"], "Donetsk region", 47.78, 37.25),
    ("Mariupol", [], "Donetsk region", 47.10, 37.55),
    ("Donetsk", [], "Donetsk region", 48.02, 37.80),
    ("Luhansk", ["Lugansk"], "Luhansk region", 48.57, 39.31),
    ("Izium", ["Izyum"], "Kharkiv region", 49.21, 37.26),
    ("Kupiansk", ["Kupyansk"], "Kharkiv region", 49.71, 37.62),
    ("Vovchansk", [], "Kharkiv region", 50.29, 36.94),
    ("Nikopol", [], "Dnipropetrovsk region", 47.57, 34.39),
    ("Kryvyi Rih", ["Krivoy Rog"], "Dnipropetrovsk region", 47.91, 33.39),
    ("Enerhodar", ["Energodar"], "Zaporizhzhia region", 47.50, 34.66),
    ("Melitopol", [], "Zaporizhzhia region", 46.85, 35.37),
    ("Berdiansk", ["Berdyansk"], "Zaporizhzhia region", 46.76, 36.79),
    ("Orikhiv", [], "Zaporizhzhia region", 47.57, 35.78),
    ("Chernihiv", ["Chernigov"], "Chernihiv region", 51.50, 31.29),
    ("Poltava", [], "Poltava region", 49.59, 34.55),
    ("Kremenchuk", [], "Poltava region", 49.07, 33.42),
    ("Vinnytsia", ["Vinnitsa"], "Vinnytsia region", 49.23, 28.47),
    ("Zhytomyr", [], "Zhytomyr region", 50.25, 28.66),
    ("Uman", [], "Cherkasy region", 48.75, 30.22),
    ("Bucha", [], "Kyiv region", 50.54, 30.21),
    ("Irpin", [], "Kyiv region", 50.52, 30.25),
    ("Hostomel", [], "Kyiv region", 50.57, 30.27),
    ("Sevastopol", [], "Crimea", 44.62, 33.53),
    ("Simferopol", [], "Crimea", 44.95, 34.10),
    ("Moscow", [], "Russia", 55.76, 37.62),
    ("St Petersburg", ["Saint Petersburg"], "Russia", 59.93, 30.36),
    ("Kursk", [], "Kursk region", 51.73, 36.19),
    ("Sudzha", [], "Kursk region", 51.19, 35.27),
    ("Belgorod", [], "Belgorod region", 50.60, 36.59),
    ("Bryansk", [], "Bryansk region", 53.24, 34.36),
    ("Rostov-on-Don", [], "Rostov region", 47.24, 39.71),
    ("Krasnodar", [], "Krasnodar region", 45.04, 38.98),
    ("Novorossiysk", [], "Krasnodar region", 44.72, 37.77),
    ("Voronezh", [], "Voronezh region", 51.66, 39.20),
    ("Kotovsk", [], "Tambov region", 52.59, 41.50),
    ("Pyongyang", [], "North Korea", 39.04, 125.76),
    ("Minsk", [], "Belarus", 53.90, 27.56),
    ("Warsaw", [], "Poland", 52.23, 21.01),
    ("Rzeszow", ["Rzeszów"], "Poland", 50.04, 22.00),
    ("Chisinau", ["Kishinev"], "Moldova", 47.01, 28.86),
    ("Tbilisi", [], "Georgia", 41.72, 44.78),
    ("Washington", [], "United States", 38.90, -77.04),
    ("London", [], "United Kingdom", 51.51, -0.13),
    ("Berlin", [], "Germany", 52.52, 13.40),
    ("Paris", [], "France", 48.86, 2.35),
    ("Istanbul", [], "Turkey", 41.01, 28.98),
    ("Ankara", [], "Turkey", 39.93, 32.86),
    ("Tehran", [], "Iran", 35.69, 51.39),
    ("Beijing", [], "China", 39.90, 116.41),
    ("Budapest", [], "Hungary", 47.50, 19.04),
    ("Vilnius", [], "Lithuania", 54.69, 25.28),
    ("Geneva", [], "Switzerland", 46.20, 6.14),
]

# (name, aliases, kind)
ORGANISATIONS = [
    ("Armed Forces of Ukraine", ["Ukrainian Armed Forces"], "armed_forces"),
    ("Russian Ministry of Defence", ["Russian Defence Ministry"], "government"),
    ("Security Service of Ukraine", ["SBU"], "agency"),
    ("Ukrainian Ministry of Foreign Affairs", ["Ukrainian Foreign Ministry"], "government"),
    ("North Atlantic Treaty Organization", ["NATO"], "intergovernmental"),
    ("United Nations", ["UN"], "intergovernmental"),
    ("European Union", ["EU"], "intergovernmental"),
    ("International Atomic Energy Agency", ["IAEA"], "intergovernmental"),
    ("International Committee of the Red Cross", ["ICRC"], "ngo"),
    ("State Emergency Service of Ukraine", [], "agency"),
    ("National Guard of Ukraine", [], "armed_forces"),
    ("Federal Security Service", ["FSB"], "agency"),
    ("Main Intelligence Directorate of Ukraine", ["HUR"], "agency"),
    ("Wagner Group", [], "armed_group"),
    ("Black Sea Fleet", [], "armed_forces"),
    ("Korean People's Army", [], "armed_forces"),
    ("Verkhovna Rada", ["Ukrainian parliament"], "government"),
    ("State Duma", [], "government"),
    ("International Criminal Court", ["ICC"], "intergovernmental"),
    ("World Health Organization", ["WHO"], "intergovernmental"),
    ("Organization for Security and Co-operation in Europe", ["OSCE"], "intergovernmental"),
    ("Human Rights Watch", [], "ngo"),
    ("Amnesty International", [], "ngo"),
    ("Ukrenergo", [], "company"),
    ("Naftogaz", [], "company"),
    ("Gazprom", [], "company"),
    ("Rosatom", [], "company"),
    ("Ukrainian Air Force", [], "armed_forces"),
]

# Organisation names read with "the" in running text: "the Security Service of Ukraine said".
ORGANISATIONS_TAKING_THE = {
    "Armed", "Russian", "Security", "Ukrainian", "North", "United", "European", "International",
    "State", "National", "Federal", "Main", "Black", "Korean", "World", "Organization",
}

# Invented people: first names and surnames that belong together, by naming tradition.
# Each: (first names as (name, Russian-style spelling or None), surname roots, endings as
# (ending, another spelling or None)); an empty endings list means the roots are whole surnames.
NAME_TRADITIONS = {
    "ukrainian": (
        [("Oleksandr", "Aleksandr"), ("Volodymyr", "Vladimir"), ("Mykola", "Nikolai"), ("Andriy", "Andrei"),
         ("Serhiy", "Sergei"), ("Yuriy", "Yuri"), ("Dmytro", "Dmitry"), ("Oleksiy", "Alexei"),
         ("Mykhailo", "Mikhail"), ("Petro", "Pyotr"), ("Hryhoriy", "Grigory"), ("Ivan", None),
         ("Vasyl", "Vasily"), ("Viktor", None), ("Yevhen", "Yevgeny"), ("Pavlo", "Pavel"), ("Taras", None),
         ("Bohdan", "Bogdan"), ("Roman", None), ("Vitaliy", "Vitaly"), ("Olena", "Yelena"), ("Iryna", "Irina"),
         ("Tetiana", "Tatiana"), ("Nataliia", "Natalia"), ("Oksana", None), ("Yuliia", "Yulia"),
         ("Kateryna", "Yekaterina"), ("Liudmyla", "Lyudmila"), ("Svitlana", "Svetlana"), ("Halyna", "Galina")],
        ["Koval", "March", "Bondar", "Tkach", "Kravch", "Shevch", "Lys", "Savch", "Melnych", "Hnat", "Pavl",
         "Kuzm", "Levch", "Kost", "Sydor", "Honchar", "Zinch", "Dovzh", "Hryts", "Roman", "Vasyl", "Martyn",
         "Karp", "Demch", "Tymosh", "Klym", "Nazar", "Ostap", "Prokop", "Fedor", "Yarosh", "Rud", "Bil", "Moroz"],
        [("enko", None), ("uk", None), ("chuk", None), ("ko", None), ("skyi", "sky"), ("ets", None)],
    ),
    "russian": (
        [("Sergei", None), ("Dmitry", None), ("Alexei", None), ("Igor", None), ("Konstantin", None),
         ("Nikita", None), ("Maria", None), ("Anna", None), ("Yevgeny", None), ("Andrei", None)],
        ["Volkov", "Orlov", "Lebedev", "Kozlov", "Gromov", "Belov", "Zaitsev", "Sokolov", "Tikhonov",
         "Sukharev", "Ryabov", "Shcherbakov", "Kiselyov", "Tarasov", "Lazarev", "Golubev", "Vinogradov",
         "Vorobyov", "Frolov", "Yermakov", "Bogdanov", "Antonov", "Nikitin", "Fomin", "Zimin"],
        [],
    ),
    "polish": (
        [("Jan", None), ("Tomasz", None), ("Agnieszka", None), ("Marek", None), ("Katarzyna", None)],
        ["Kowalski", "Nowak", "Wiśniewski", "Lewandowski", "Zieliński", "Kaczmarek", "Mazur", "Krawczyk",
         "Dąbrowski", "Wojciechowski", "Kamiński", "Szymański", "Wróbel", "Jankowski"],
        [],
    ),
    "western": (
        [("James", None), ("Sarah", None), ("Michael", None), ("Emily", None), ("Thomas", None),
         ("Laura", None), ("Daniel", None), ("Claire", None), ("Jean", None), ("Sophie", None),
         ("Hans", None), ("Katrin", None), ("Pieter", None), ("Ingrid", None)],
        ["Harrington", "Whitlock", "Ashcroft", "Pemberton", "Caldwell", "Fairbairn", "Holloway", "Kendrick",
         "Lockhart", "Marlowe", "Beaumarchais", "Duvall", "Lefebvre", "Moreau", "Richter", "Hoffmann",
         "Brandt", "Keller", "Lindqvist", "Vandermeer", "Osterberg", "Rasmussen"],
        [],
    ),
    "caucasian_turkish": (
        [("Giorgi", None), ("Nino", None), ("Mehmet", None), ("Ayse", None), ("Levan", None)],
        ["Beridze", "Kapanadze", "Tsereteli", "Lomidze", "Yilmaz", "Demirtas", "Kaya", "Ozturk"],
        [],
    ),
}
# How often each tradition appears among the invented people.
NAME_TRADITION_WEIGHTS = {"ukrainian": 55, "russian": 20, "polish": 7, "western": 13, "caucasian_turkish": 5}

REGION_ROLES = ["Governor of {region}", "Head of the military administration of {region}"]
CITY_ROLES = ["Mayor of {city}", "Police chief in {city}", "Deputy mayor of {city}"]
# (role, naming tradition, entities the role names): an article quoting the role links them too.
NATIONAL_ROLES = [
    ("President of Ukraine", "ukrainian", ["Ukraine"]),
    ("President of Russia", "russian", ["Russia"]),
    ("Foreign Minister of Ukraine", "ukrainian", ["Ukraine"]),
    ("Commander-in-Chief of the Armed Forces of Ukraine", "ukrainian", ["Armed Forces of Ukraine"]),
    ("Kremlin spokesperson", "russian", []),
    ("Prime Minister of Ukraine", "ukrainian", ["Ukraine"]),
    ("Secretary General of NATO", "western", ["North Atlantic Treaty Organization"]),
    ("Defence Minister of Russia", "russian", ["Russia"]),
    ("Defence Minister of Ukraine", "ukrainian", ["Ukraine"]),
    ("Foreign Minister of Russia", "russian", ["Russia"]),
    ("Human rights ombudsman of Ukraine", "ukrainian", ["Ukraine"]),
    ("Director General of the IAEA", "western", ["International Atomic Energy Agency"]),
    ("Head of the Security Service of Ukraine", "ukrainian", ["Security Service of Ukraine"]),
]
GENERIC_ROLES = [
    "Military analyst", "Member of parliament", "Russian lawmaker", "Air force spokesperson",
    "Brigade commander", "Human rights researcher", "Energy minister", "Humanitarian coordinator",
    "Volunteer medic", "Local resident", "Emergency services spokesperson", "Prosecutor", "Economist",
    "Diplomat", "Historian",
]

PLACE_PREFIXES = ["", "", "", "Novo", "Staro", "Verkhnio", "Nyzhnio", "Krasno", "Bilo", "Zoloto", "Chorno", "Vilno"]
PLACE_ROOTS = [
    "mykhail", "hryhor", "pavl", "oleksandr", "petr", "ivan", "bohdan", "semen", "andri", "marian",
    "hrad", "pil", "lyn", "mar", "dolyn", "kamian", "sel", "bereh", "lis", "yar",
    "kur", "tal", "vod", "zor", "luh", "hor", "stav", "dub", "klen", "berez",
    "ozer", "rich", "krynych", "pole", "step", "sad", "vyshn", "yabl", "sosn", "topol",
    "zarich", "prydniprov", "zaliz", "vuhl", "sol", "pisch", "kryv", "zhovt", "syn", "zelen",
    "kal", "mal", "ser", "tern", "ruzh", "vovch", "lyman", "bakh", "kost", "dmytr",
]
PLACE_SUFFIXES = ["ivka", "ove", "ne", "ske", "yne", "ivske", "opil", "ohrad", "yntsi", "ychi", "ky", "ivtsi", "ianka", "uvate", "ka", "yn"]
PLACE_MODIFIERS = ["", "", "", "Velyka ", "Mala ", "Nova ", "Stara "]
RUSSIAN_STYLE = [("ivka", "ovka"), ("ivske", "ovskoye"), ("ove", "ovo"), ("hrad", "grad"), ("Novo", "Novo"), ("ia", "iya"), ("yi", "y")]

ORGANISATION_PATTERNS = [
    ("{ordinal} Separate Mechanised Brigade", "armed_forces"),
    ("{ordinal} Separate Assault Brigade", "armed_forces"),
    ("{ordinal} Territorial Defence Brigade", "armed_forces"),
    ("{ordinal} Motor Rifle Regiment", "armed_forces"),
    ("{ordinal} Guards Tank Division", "armed_forces"),
    ("{place} Regional Military Administration", "government"),
    ("{place} City Council", "government"),
    ("{place} Regional Police", "agency"),
    ("{place} Volunteer Battalion", "armed_group"),
    ("{place} Humanitarian Hub", "ngo"),
    ("{place} Power Plant Operator", "company"),
    ("{place} Rail Company", "company"),
]

# incident type -> (noun used in names and text, weight)
INCIDENT_TYPES = {
    "air_drone_strike": ("drone strike", 30),
    "shelling_missile": ("missile attack", 24),
    "battle": ("battle", 16),
    "violence_against_civilians": ("attack on civilians", 7),
    "remote_explosive": ("landmine blast", 5),
    "capture_arrest": ("capture of soldiers", 5),
    "abduction": ("abduction", 3),
    "protest": ("protest", 4),
    "strategic_development": ("prisoner exchange", 6),
}

PUBLICATIONS = [
    ("Northern Wire", 40),
    ("Continental Press", 18),
    ("Eastern Europe Report", 14),
    ("The Frontline Ledger", 10),
    ("Dnipro Daily Monitor", 8),
    ("Baltic Evening Post", 6),
    ("Harbour Street Journal", 4),
]

SOURCE_PUBLISHERS = [
    "reuters.com", "apnews.com", "bbc.co.uk", "kyivindependent.com", "theguardian.com",
    "aljazeera.com", "ukrinform.net", "meduza.io", "france24.com", "pravda.com.ua",
]

REPORTER_FIRST = ["Olena", "Marta", "Pavlo", "Iryna", "Tom", "Anna", "Dmytro", "Sophie", "Ruth", "Yaroslav", "Lena", "Max"]
REPORTER_LAST = ["Hartley", "Koval", "Brennan", "Shevchuk", "Lindqvist", "Ortiz", "Mirza", "Novak", "Whitaker", "Dale"]

# Words for the prose around the entities: a long, skewed vocabulary, all lower-case,
# so generated text names no entity other than those the article links to.
SUBJECTS = [
    "officials", "residents", "local authorities", "emergency crews", "military officials", "analysts",
    "witnesses", "regional officials", "rescue workers", "diplomats", "prosecutors", "investigators",
    "volunteers", "aid workers", "engineers", "doctors", "commanders", "soldiers", "lawmakers", "monitors",
]
VERBS = [
    "reported", "confirmed", "warned of", "described", "acknowledged", "disputed reports of",
    "denied reports of", "pointed to", "played down", "documented", "recorded", "announced",
    "criticised", "welcomed", "investigated", "raised concerns about",
]
OBJECTS = [
    "damage to residential buildings", "power outages across several districts", "a shortage of drinking water",
    "new evacuation routes", "heavy fighting along the front line", "repeated attacks on energy infrastructure",
    "the destruction of a bridge", "the evacuation of a hospital", "fires at an industrial site",
    "the arrival of fresh reinforcements", "a lull in artillery fire", "a surge in drone launches",
    "the reopening of schools", "restrictions on movement after dark", "new air defence systems",
    "the loss of armoured vehicles", "a rise in civilian casualties", "delays to grain exports",
    "damage to rail lines", "a prisoner exchange", "the recovery of bodies", "a shortage of shells",
    "sanctions on defence suppliers", "talks on a ceasefire", "mines left in farmland", "the rebuilding of homes",
    "convoys of humanitarian aid", "the mobilisation of reservists", "interruptions to mobile networks",
    "attacks on ports", "strikes on fuel depots", "the shelling of border villages", "a counteroffensive",
    "reports of looting", "the detention of suspected saboteurs", "a spike in cyberattacks",
]
TIMES = [
    "overnight", "on Monday", "on Tuesday", "on Wednesday", "on Thursday", "on Friday", "on Saturday",
    "on Sunday", "early in the morning", "late in the evening", "this week", "in recent days",
    "for a second day", "since the start of the month", "throughout the night",
]
CLAUSES = [
    "although the figures could not be independently verified",
    "according to preliminary information",
    "as air raid sirens sounded across the region",
    "while repair teams worked to restore supplies",
    "despite calls for restraint",
    "amid growing pressure on supply lines",
    "as temperatures fell below freezing",
    "with many families still sheltering in basements",
    "in a statement posted online",
    "at a briefing for journalists",
    "citing intelligence assessments",
    "after weeks of intense pressure",
    "as negotiations stalled",
    "in the latest escalation",
    "with no immediate comment from the other side",
]
FILLER_SENTENCES = [
    "The full extent of the damage was not immediately clear.",
    "There was no immediate response to a request for comment.",
    "Independent verification of battlefield claims remains difficult.",
    "Air defence units were reported to be active through the night.",
    "Residents described hearing several loud explosions before dawn.",
    "Repair crews were working to restore electricity and heating.",
    "Schools in the area moved classes online as a precaution.",
    "Aid groups said demand for food and medicine had risen sharply.",
    "The front line has barely moved in recent months despite heavy losses.",
    "Analysts say both sides are struggling to replace equipment and troops.",
    "Humanitarian corridors remained closed for most of the week.",
    "Hospitals treated dozens of people for shrapnel wounds and burns.",
    "Engineers warned that further damage to the grid could cause lasting outages.",
    "Several villages near the border have been almost entirely abandoned.",
    "Insurance and reconstruction costs continue to climb.",
    "Prosecutors opened an investigation into possible war crimes.",
    "The claims could not be independently confirmed.",
    "Farmers said unexploded ordnance made much of their land unusable.",
]
