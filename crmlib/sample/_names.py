"""Names and places of the sample company's customers: Flanders and the Dutch border.

The lists are fixed; the generator draws from them with weights, so common family
names (Peeters, Janssens, Maes) come up often and rare ones rarely, as in a real file.
"""

from __future__ import annotations

FEMALE_FIRST_NAMES: tuple[str, ...] = (
    "Maria", "Anna", "Marie", "Els", "Ann", "An", "Katrien", "Sofie", "Sarah", "Lien",
    "Leen", "Lotte", "Julie", "Emma", "Louise", "Elise", "Hanne", "Nathalie", "Veerle",
    "Inge", "Griet", "Kristien", "Hilde", "Martine", "Christine", "Monique", "Rita",
    "Godelieve", "Annemie", "Karolien", "Evelien", "Charlotte", "Liesbeth", "Nele",
    "Ellen", "Tine", "Eline", "Laura", "Lisa", "Fien", "Noor", "Zoë", "Chloë", "Marieke",
    "Femke", "Sanne", "Anouk", "Ilse", "Greet", "Mieke", "Joke", "Linda", "Hélène",
    "Katleen", "Brigitte", "Nicole", "Jessie", "Sabine", "Isabelle", "Wendy", "Jana",
    "Amber", "Febe", "Lore", "Margot", "Ine", "Kaat", "Elke", "Hannelore", "Heidi", "Nancy",
    "Sandra", "Carine", "Ingrid", "Lieve", "Christel", "Rosa", "Jeanine", "Paula", "Agnes",
    "Simonne", "Yvonne", "Liliane", "Gerda", "Mariette", "Caroline", "Stephanie", "Valerie",
    "Ann-Sophie", "Delphine", "Eva", "Jolien", "Lies", "Silke", "Tinne", "Ruth", "Mia",
    "Ella", "Olivia", "Nora", "Lena", "Hanna", "Lina", "Renée", "Bieke", "Ilona", "Astrid",
    "Vera", "Bernadette", "Magda", "Denise", "Jacqueline", "Marleen", "Myriam", "Katrijn",
    "Roos", "Nina", "Kim", "Sien", "Britt", "Lara", "Marijke", "Ria", "Gilberte", "Jenny",
)  # fmt: skip

MALE_FIRST_NAMES: tuple[str, ...] = (
    "Jan", "Peter", "Luc", "Marc", "Dirk", "Koen", "Bart", "Tom", "Wim", "Geert", "Johan",
    "Filip", "Stijn", "Pieter", "Jeroen", "Wouter", "Tim", "Thomas", "Jens", "Arne",
    "Lucas", "Louis", "Vincent", "Frederik", "Hendrik", "Willy", "Jozef", "Roger",
    "Patrick", "Eddy", "Rudi", "Guido", "Noël", "Frank", "Kris", "Hans", "Lieven", "Bram",
    "Sander", "Ruben", "Joris", "Maarten", "Daan", "Sven", "Kevin", "Gert", "Dries",
    "Michiel", "Yves", "Frédéric", "Erik", "Paul", "Rik", "Stefaan", "Nico", "Jef", "Wout",
    "Lars", "Robbe", "Seppe", "Mathias", "Kobe", "Jonas", "Simon", "Pieter-Jan", "Tijs",
    "Warre", "Mauro", "Noah", "Finn", "Victor", "Jules", "Arthur", "Achiel", "Gilbert",
    "André", "Marcel", "Hubert", "Raf", "Danny", "Gino", "Jurgen", "Steven", "Dimitri",
    "Pascal", "Philippe", "Carl", "Chris", "Ivan", "Walter", "Etienne", "Gustaaf", "Lode",
    "Ward", "Xavier", "Brecht", "Jelle", "Niels", "Glenn", "Nick", "Thijs", "Mattias",
    "Karel", "Emiel", "Gerrit", "Ronny", "Freddy", "Bert", "Hugo", "Johnny", "Kurt",
    "Marnix", "Olivier", "Benny", "Jean-Pierre", "Herman", "Norbert", "Siebe", "Cas",
)  # fmt: skip

# Family names, most common first (the generator weights them by rank).
LAST_NAMES: tuple[str, ...] = (
    "Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens",
    "Wouters", "De Smet", "Vermeulen", "Van Damme", "Desmet", "Martens", "Hermans",
    "Pauwels", "Van den Broeck", "De Clercq", "Aerts", "Michiels", "Verstraete",
    "Van de Velde", "De Backer", "Declercq", "Vandenberghe", "Coppens", "Verhaeghe",
    "Deprez", "Vanhoutte", "Desmedt", "De Vos", "Vandamme", "Lemmens", "Smets", "Cools",
    "De Meyer", "Van Hecke", "Vandewalle", "Bogaert", "Claeys", "Verbeke", "Vercruysse",
    "Lefebvre", "Decock", "Van Acker", "Debruyne", "Vanneste", "Seys", "Dewulf",
    "De Wilde", "Verschueren", "Dhondt", "Baert", "Vervaet", "Hoste", "Demeulenaere",
    "Maertens", "Ghyselinck", "Coucke", "Goethals", "D'Hooghe", "Van Belle",
    "Vandekerckhove", "Callens", "Van Laere", "Lootens", "Pattyn", "Lannoo", "Defour",
    "De Jong", "Jansen", "De Vries", "Van den Berg", "Bakker", "Visser", "Smit", "Meijer",
    "De Boer", "Mulder", "De Groot", "Dekker", "Dumont", "Lambert", "Dubois",
    "Van Hove", "Van Dyck", "Van Eeckhout", "Van Houtte", "Van Hulle", "Van Landeghem",
    "Van Lierde", "Van Mol", "Van Nieuwenhuyse", "Van Overschelde", "Van Parys",
    "Van Poucke", "Van Raemdonck", "Van Renterghem", "Van Roey", "Van Rossem",
    "Van Severen", "Van Waes", "Van Wassenhove", "Van Hoorebeke", "Van Daele",
    "Van den Bossche", "Van den Bergh", "Van de Kerckhove", "Van de Walle", "Van de Wiele",
    "Van de Voorde", "Van de Putte", "Van der Meersche", "Van den Steene", "Van de Vyvere",
    "Van Cauwenberghe", "Van de Poel", "Van Caeneghem", "Van Gheluwe", "Van Mullem",
    "Van de Vooren", "Vanden Abeele", "Vande Casteele", "Vanderhaeghen", "Vanhaverbeke",
    "Vanlerberghe", "Vandenbussche", "Vansteenkiste", "De Wever", "De Cock", "De Pauw",
    "De Bruyne", "De Keyser", "De Coninck", "De Graeve", "De Jaeger", "De Moor",
    "De Ridder", "De Schepper", "De Man", "De Baets", "De Brabandere", "De Bock",
    "De Bruycker", "De Cuyper", "De Decker", "De Gryse", "De Kimpe", "De Laet", "De Lange",
    "De Maeyer", "De Muynck", "De Paepe", "De Raedt", "De Rycke", "De Schrijver",
    "De Sutter", "De Temmerman", "De Vlieger", "De Waele", "De Weerdt", "De Winter",
    "De Witte", "De Zutter", "De Jonghe", "De Mey", "De Naeyer", "De Roo", "De Sloover",
    "De Vriendt", "Verheyen", "Verbruggen", "Verlinden", "Vermeersch", "Verhelst",
    "Verdonck", "Vervoort", "Verlinde", "Verhoeven", "Vercammen", "Vermeire", "Verbist",
    "Dhaene", "Billiet", "Blomme", "Boone", "Braet", "Buyse", "Cattoor", "Cnockaert",
    "Coene", "Cornelis", "Cottyn", "Daems", "Deceuninck", "Decoster", "Defoort",
    "Degraeve", "Dejonghe", "Delanghe", "Delbeke", "Demey", "Demuynck", "Denys",
    "Depoorter", "Devriendt", "Dewaele", "Dierickx", "Everaert", "Feys", "Geldhof",
    "Gevaert", "Ghesquiere", "Goemaere", "Haesaert", "Hanssens", "Heyman", "Huyghe",
    "Lambrecht", "Lamote", "Lauwers", "Leenknecht", "Lippens", "Maenhout", "Mestdagh",
    "Moerman", "Neyt", "Nuytten", "Persyn", "Pieters", "Poppe", "Quintelier", "Rommens",
    "Roose", "Rotsaert", "Ryckaert", "Schelfhout", "Soenen", "Sohier", "Stevens",
    "Tanghe", "Taveirne", "Timmerman", "Top", "Wyffels", "Wybo", "Allaert", "Anseeuw",
    "Beernaert", "Bostoen", "Bruneel", "Buysse", "Casier", "Clarysse", "Coussement",
    "Crombez", "Dauw", "Decroos", "Dewitte", "Acke", "Bouckaert", "Bral", "Cappelle",
    "Declerck", "Delameillieure", "Deschepper", "Dobbelaere", "Gekiere",
    "Geeraert", "Hollevoet", "Jonckheere", "Keirsebilck", "Lagae", "Lefever", "Mortier",
    "Naessens", "Opsomer", "Pollet", "Rosseel", "Samyn", "Sercu", "Steelandt", "Tack",
    "Vanackere", "Vanneuville", "Vlaeminck", "Willaert", "Wittevrongel", "Zwaenepoel",
)  # fmt: skip

STREETS: tuple[str, ...] = (
    "Kerkstraat", "Stationsstraat", "Dorpstraat", "Molenstraat", "Nieuwstraat",
    "Schoolstraat", "Kapelstraat", "Zandstraat", "Veldstraat", "Bosstraat", "Beukenlaan",
    "Lindenlaan", "Hoogstraat", "Koning Albertlaan", "Leopoldlaan", "Groenstraat",
    "Meersstraat", "Ringlaan", "Populierenlaan", "Tuinwijk", "Kastanjelaan", "Vaartstraat",
    "Brugsesteenweg", "Gentsesteenweg", "Oostendsesteenweg", "Bredabaan", "Zeedijk",
    "Lippenslaan", "Dijk", "Sint-Jorisstraat", "Kortrijksestraat", "Markt",
    "Eikenlaan", "Wilgenstraat", "Heirweg", "Polderstraat", "Akkerstraat", "Kouter",
    "Spoorwegstraat", "Rozenlaan",
)  # fmt: skip

# (city, postcodes, weight, phone area code, country). The four store cities and the
# coast around them weigh most; a few Dutch border towns are in the catchment area.
CITIES: tuple[tuple[str, tuple[str, ...], float, str, str], ...] = (
    ("Brugge", ("8000", "8200", "8310", "8380"), 14.0, "50", "BE"),
    (
        "Gent",
        ("9000", "9030", "9031", "9032", "9040", "9041", "9042", "9050", "9051", "9052"),
        14.0,
        "9",
        "BE",
    ),
    ("Knokke-Heist", ("8300", "8301"), 7.0, "50", "BE"),
    ("Kortrijk", ("8500", "8501", "8510", "8511"), 8.0, "56", "BE"),
    (
        "Antwerpen",
        ("2000", "2018", "2020", "2030", "2050", "2060", "2100", "2140", "2600"),
        3.0,
        "3",
        "BE",
    ),
    ("Leuven", ("3000", "3001", "3010", "3012"), 1.0, "16", "BE"),
    ("Oostkamp", ("8020",), 2.5, "50", "BE"),
    ("Beernem", ("8730",), 1.5, "50", "BE"),
    ("Zwevegem", ("8550",), 2.0, "56", "BE"),
    ("Harelbeke", ("8530",), 2.0, "56", "BE"),
    ("Wevelgem", ("8560",), 1.5, "56", "BE"),
    ("Izegem", ("8870",), 1.5, "51", "BE"),
    ("Tielt", ("8700",), 1.5, "51", "BE"),
    ("Lochristi", ("9080",), 1.5, "9", "BE"),
    ("Merelbeke", ("9820",), 1.5, "9", "BE"),
    ("Destelbergen", ("9070",), 1.5, "9", "BE"),
    ("Evergem", ("9940",), 1.5, "9", "BE"),
    ("Lievegem", ("9920",), 1.0, "9", "BE"),
    ("Gistel", ("8470",), 1.0, "59", "BE"),
    ("Middelkerke", ("8430",), 1.5, "59", "BE"),
    ("De Haan", ("8420",), 1.5, "50", "BE"),
    ("Bredene", ("8450",), 1.5, "59", "BE"),
    ("Sint-Martens-Latem", ("9830",), 1.0, "9", "BE"),
    ("Nazareth", ("9810",), 1.0, "9", "BE"),
    ("Oostende", ("8400",), 6.0, "59", "BE"),
    ("Roeselare", ("8800",), 5.0, "51", "BE"),
    ("Blankenberge", ("8370",), 3.0, "50", "BE"),
    ("Damme", ("8340",), 2.0, "50", "BE"),
    ("Torhout", ("8820",), 2.0, "50", "BE"),
    ("Eeklo", ("9900",), 3.0, "9", "BE"),
    ("Aalst", ("9300",), 2.5, "53", "BE"),
    ("Waregem", ("8790",), 3.0, "56", "BE"),
    ("Deinze", ("9800",), 3.0, "9", "BE"),
    ("Ieper", ("8900",), 2.0, "57", "BE"),
    ("Sint-Niklaas", ("9100",), 2.0, "3", "BE"),
    ("Mechelen", ("2800",), 1.0, "15", "BE"),
    ("Menen", ("8930",), 2.0, "56", "BE"),
    ("Zedelgem", ("8210",), 2.0, "50", "BE"),
    ("Jabbeke", ("8490",), 1.5, "50", "BE"),
    ("Maldegem", ("9990",), 2.0, "50", "BE"),
    ("Sluis", ("4524",), 1.5, "117", "NL"),
    ("Terneuzen", ("4531",), 1.0, "115", "NL"),
    ("Middelburg", ("4331",), 1.0, "118", "NL"),
)

E_MAIL_DOMAINS: tuple[tuple[str, float], ...] = (
    ("telenet.be", 0.30),
    ("gmail.com", 0.30),
    ("hotmail.com", 0.12),
    ("skynet.be", 0.10),
    ("outlook.com", 0.08),
    ("proximus.be", 0.06),
    ("icloud.com", 0.04),
)

# Business accounts: landscapers and hospitality.
LANDSCAPER_PREFIXES: tuple[str, ...] = (
    "Hoveniersbedrijf", "Tuinaanleg", "Groenvoorziening", "Tuinen", "Kwekerij",
    "Tuinonderhoud",
)  # fmt: skip
HOSPITALITY_PREFIXES: tuple[str, ...] = (
    "Restaurant", "Hotel", "Camping", "Brasserie", "Woonzorgcentrum", "Vakantiepark",
)  # fmt: skip
HOSPITALITY_NAMES: tuple[str, ...] = (
    "De Linde", "'t Hof", "Zonneweelde", "De Zeemeeuw", "Ter Duinen", "De Oude Hoeve",
    "Het Zwin", "De Vijvers", "Sint-Anna", "De Polder", "Ter Heide", "De Kastanjes",
    "Zeezicht", "Het Groene Woud", "De Watermolen",
)  # fmt: skip
COMPANY_SUFFIXES: tuple[str, ...] = ("", " BV", " NV", " & Zonen", " BV", "")
