"""The fixed world of the sample company: its catalogue, channels, seasons and customer types.

Tuincentrum Groenhuis sells garden and home products in four stores (Brugge, Gent,
Knokke-Heist, Kortrijk), a webshop and by phone. Everything here is the same for every
seed; the generator draws the customers and their behaviour around it.
"""

from __future__ import annotations

import numpy as np

CATEGORIES: tuple[str, ...] = (
    "plants",
    "seeds & bulbs",
    "garden tools",
    "garden furniture",
    "barbecue",
    "pots & planters",
    "pet",
    "decoration",
    "soil & fertiliser",
    "christmas",
)

# Gross margin per category; products spread a little around it.
CATEGORY_MARGIN = np.array([0.52, 0.58, 0.33, 0.32, 0.20, 0.45, 0.22, 0.50, 0.28, 0.48])

# The most units one consumer line holds; business accounts buy four times as much.
CATEGORY_MAX_QUANTITY = np.array([24, 20, 3, 6, 4, 12, 6, 8, 30, 6])

# How often a category is bought per month (January first), relative to its yearly mean.
CATEGORY_SEASON = np.array(
    [
        [0.3, 0.4, 1.0, 1.9, 2.1, 1.5, 1.0, 0.8, 1.0, 0.9, 0.6, 0.5],
        [0.3, 0.8, 1.8, 1.6, 0.8, 0.4, 0.3, 0.5, 1.6, 1.8, 0.8, 0.3],
        [0.3, 0.5, 1.4, 1.8, 1.7, 1.3, 1.0, 0.9, 1.1, 1.1, 0.6, 0.3],
        [0.1, 0.2, 0.8, 1.8, 2.4, 2.2, 1.5, 0.9, 0.4, 0.2, 0.1, 0.1],
        [0.1, 0.1, 0.4, 1.2, 2.2, 2.4, 2.3, 1.8, 0.6, 0.2, 0.1, 0.2],
        [0.3, 0.4, 1.2, 1.9, 1.9, 1.3, 0.9, 0.8, 1.0, 0.8, 0.4, 0.4],
        [1.3, 1.2, 1.0, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 1.0, 1.2, 1.3],
        [0.8, 0.8, 1.0, 1.0, 1.0, 0.9, 0.8, 0.8, 0.9, 1.1, 1.4, 1.6],
        [0.3, 0.6, 1.8, 2.1, 1.7, 1.1, 0.8, 0.7, 1.2, 1.0, 0.4, 0.2],
        [0.05, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.05, 2.5, 6.0],
    ]
).T  # month x category

# Store traffic per month and per weekday (Monday first): spring and Saturdays are busy.
MONTH_TRAFFIC = np.array([0.5, 0.6, 1.1, 1.6, 1.7, 1.3, 1.0, 0.9, 1.0, 0.9, 0.8, 1.2])
WEEKDAY_TRAFFIC = np.array([0.7, 0.8, 1.0, 0.9, 1.0, 1.7, 0.9])

# What is often bought with a category in the same visit (the cross-sell the data shows).
COMPANION = np.array([5, 8, 1, 4, 3, 8, 6, 0, 0, 7])

SUPPLIERS: dict[str, tuple[str, ...]] = {
    "plants": ("Kwekerij Van Hecke", "Boomkwekerij De Clercq", "FloraNova", "Sierteelt Lochristi"),
    "seeds & bulbs": ("Bollenhandel Hollandia", "Zaadhuis Vandermeersch", "Bulbex"),
    "garden tools": ("Tuingereedschap Benelux", "ProGarden", "Maaitech"),
    "garden furniture": ("Outdoor Living Group", "Teak & Co", "Meubelfabriek Lava"),
    "barbecue": ("Grillmaster Europe", "Flamex", "Kolenhandel Verstraete"),
    "pots & planters": ("Terra Cotta Import", "Potterie Zuid", "Plantenbak Benelux"),
    "pet": ("Dierenvoeders Deinze", "PetPlus", "Avia Vogelvoer"),
    "decoration": ("Deco Trends", "Lumière Home", "Interieur Import"),
    "soil & fertiliser": ("Substraten Vlaanderen", "Meststoffen Van Damme", "Humus & Co"),
    "christmas": ("Kerstbomen Ardennen", "Xmas World", "Feestdecor"),
}

# (category, product name, list price in EUR)
PRODUCTS: tuple[tuple[str, str, float], ...] = (
    ("plants", "Olijfboom in pot 80 cm", 39.99),
    ("plants", "Buxusbol 30 cm", 14.99),
    ("plants", "Lavendel 'Hidcote'", 2.49),
    ("plants", "Hortensia 'Annabelle'", 9.99),
    ("plants", "Rozenstruik 'Iceberg'", 7.99),
    ("plants", "Vaste planten mix (6 stuks)", 14.99),
    ("plants", "Japanse esdoorn 'Atropurpureum'", 29.99),
    ("plants", "Laurierkers haagplant 60-80 cm", 6.49),
    ("plants", "Beukenhaag 80-100 cm (10 stuks)", 24.99),
    ("plants", "Kamerplant Monstera", 24.99),
    ("plants", "Orchidee Phalaenopsis", 12.99),
    ("plants", "Vijgenboom in pot", 24.99),
    ("plants", "Citroenboompje", 34.99),
    ("plants", "Geranium hangpot", 6.99),
    ("plants", "Perkplanten tray (12 stuks)", 8.99),
    ("plants", "Kruidenplant basilicum", 2.99),
    ("plants", "Fruitboom appel 'Jonagold'", 29.99),
    ("plants", "Bamboe Fargesia", 19.99),
    ("plants", "Clematis klimplant", 12.49),
    ("plants", "Siergras Miscanthus", 8.99),
    ("seeds & bulbs", "Tulpenbollen mix (25 stuks)", 7.99),
    ("seeds & bulbs", "Narcissen (20 stuks)", 5.99),
    ("seeds & bulbs", "Krokussen (50 stuks)", 6.49),
    ("seeds & bulbs", "Dahliaknollen (3 stuks)", 5.49),
    ("seeds & bulbs", "Gladiolen (10 stuks)", 3.99),
    ("seeds & bulbs", "Allium 'Purple Sensation' (10 stuks)", 4.99),
    ("seeds & bulbs", "Zaden tomaat 'Moneymaker'", 2.29),
    ("seeds & bulbs", "Zaden sla", 1.99),
    ("seeds & bulbs", "Zaden wortelen", 1.99),
    ("seeds & bulbs", "Zaden bloemenweide", 4.99),
    ("seeds & bulbs", "Graszaad sport en spel 2 kg", 19.99),
    ("seeds & bulbs", "Graszaad schaduw 1 kg", 12.99),
    ("seeds & bulbs", "Pootaardappelen 'Bintje' 2,5 kg", 5.99),
    ("seeds & bulbs", "Plantuien 250 g", 2.49),
    ("seeds & bulbs", "Zaaibak met deksel", 3.49),
    ("seeds & bulbs", "Zaden kruidenmix", 2.99),
    ("garden tools", "Snoeischaar bypass", 24.99),
    ("garden tools", "Heggenschaar elektrisch", 89.99),
    ("garden tools", "Grasmaaier elektrisch 36 cm", 199.00),
    ("garden tools", "Grasmaaier accu 40 cm", 349.00),
    ("garden tools", "Robotmaaier", 799.00),
    ("garden tools", "Tuinslang 25 m", 29.99),
    ("garden tools", "Slangenwagen", 49.99),
    ("garden tools", "Sproeier oscillerend", 14.99),
    ("garden tools", "Spade", 29.99),
    ("garden tools", "Hark", 16.99),
    ("garden tools", "Schoffel", 19.99),
    ("garden tools", "Kruiwagen 85 L", 69.99),
    ("garden tools", "Tuinhandschoenen", 6.99),
    ("garden tools", "Bladblazer accu", 129.00),
    ("garden tools", "Gieter 10 L", 9.99),
    ("garden tools", "Grastrimmer elektrisch", 59.99),
    ("garden tools", "Kantensteker", 22.99),
    ("garden tools", "Hogedrukreiniger", 179.00),
    ("garden furniture", "Tuinset tafel en 4 stoelen", 599.00),
    ("garden furniture", "Loungeset hoekbank", 899.00),
    ("garden furniture", "Tuinstoel stapelbaar", 29.99),
    ("garden furniture", "Ligbed aluminium", 149.00),
    ("garden furniture", "Parasol 3 m", 79.99),
    ("garden furniture", "Zweefparasol", 249.00),
    ("garden furniture", "Parasolvoet", 39.99),
    ("garden furniture", "Tuinbank teak", 249.00),
    ("garden furniture", "Hangmat met standaard", 99.99),
    ("garden furniture", "Kussen tuinstoel", 19.99),
    ("garden furniture", "Beschermhoes loungeset", 39.99),
    ("garden furniture", "Bistroset 2 personen", 129.00),
    ("garden furniture", "Picknicktafel", 179.00),
    ("garden furniture", "Schommelstoel", 119.00),
    ("barbecue", "Houtskoolbarbecue 57 cm", 179.00),
    ("barbecue", "Gasbarbecue 3 branders", 499.00),
    ("barbecue", "Gasbarbecue 4 branders", 799.00),
    ("barbecue", "Kamado keramiek", 899.00),
    ("barbecue", "Elektrische barbecue", 149.00),
    ("barbecue", "Houtskool 10 kg", 14.99),
    ("barbecue", "Briketten 8 kg", 12.99),
    ("barbecue", "Aanmaakblokjes", 3.49),
    ("barbecue", "Barbecuegereedschap set", 29.99),
    ("barbecue", "Grillrooster gietijzer", 39.99),
    ("barbecue", "Barbecuehoes", 29.99),
    ("barbecue", "Gasfles 10 kg vulling", 29.99),
    ("barbecue", "Rookhout chips", 6.99),
    ("barbecue", "Pizzasteen", 24.99),
    ("pots & planters", "Terracotta pot 20 cm", 4.99),
    ("pots & planters", "Terracotta pot 40 cm", 19.99),
    ("pots & planters", "Bloempot keramiek 30 cm", 24.99),
    ("pots & planters", "Plantenbak hout 80 cm", 49.99),
    ("pots & planters", "Plantenbak kunststof 60 cm", 12.99),
    ("pots & planters", "Hangpot met ketting", 9.99),
    ("pots & planters", "Balkonbak 50 cm", 6.99),
    ("pots & planters", "Bloempot fiberclay 60 cm", 89.99),
    ("pots & planters", "Onderschotel 30 cm", 3.49),
    ("pots & planters", "Plantentrolley", 14.99),
    ("pots & planters", "Moestuinbak verhoogd", 119.00),
    ("pots & planters", "Binnenpot zink", 14.99),
    ("pet", "Hondenvoer brokken 12 kg", 39.99),
    ("pet", "Kattenvoer brokken 4 kg", 17.99),
    ("pet", "Kattenbakvulling 10 L", 8.99),
    ("pet", "Vogelzaad 4 kg", 9.99),
    ("pet", "Vetbollen (10 stuks)", 3.99),
    ("pet", "Konijnenvoer 2,5 kg", 7.99),
    ("pet", "Hondenmand 70 cm", 39.99),
    ("pet", "Krabpaal", 49.99),
    ("pet", "Kippenvoer 20 kg", 19.99),
    ("pet", "Vijvervisvoer 5 L", 24.99),
    ("pet", "Vogelhuisje", 19.99),
    ("pet", "Hondenspeelgoed", 6.99),
    ("pet", "Aquariumplanten", 4.99),
    ("decoration", "Geurkaars", 12.99),
    ("decoration", "Windlicht glas", 14.99),
    ("decoration", "Lantaarn metaal", 29.99),
    ("decoration", "Tuinbeeld", 39.99),
    ("decoration", "Solarlampjes (6 stuks)", 19.99),
    ("decoration", "Lichtsnoer buiten", 24.99),
    ("decoration", "Kunstbloemen boeket", 16.99),
    ("decoration", "Sierkussen", 14.99),
    ("decoration", "Plaid", 24.99),
    ("decoration", "Fotolijst", 9.99),
    ("decoration", "Vaas glas", 19.99),
    ("decoration", "Deurmat kokos", 12.99),
    ("decoration", "Wanddecoratie", 34.99),
    ("decoration", "Paasdecoratie", 7.99),
    ("decoration", "Herfstdecoratie pompoen", 6.99),
    ("soil & fertiliser", "Potgrond universeel 40 L", 5.99),
    ("soil & fertiliser", "Potgrond universeel 3 x 40 L", 14.99),
    ("soil & fertiliser", "Tuinaarde 40 L", 4.99),
    ("soil & fertiliser", "Boomschors 60 L", 7.99),
    ("soil & fertiliser", "Gazonmest 10 kg", 24.99),
    ("soil & fertiliser", "Kalk 10 kg", 9.99),
    ("soil & fertiliser", "Rozenmest 2 kg", 9.99),
    ("soil & fertiliser", "Koemestkorrels 20 kg", 16.99),
    ("soil & fertiliser", "Vloeibare plantenvoeding 1 L", 6.99),
    ("soil & fertiliser", "Mosbestrijder gazon 10 kg", 22.99),
    ("soil & fertiliser", "Zaai- en stekgrond 20 L", 5.49),
    ("soil & fertiliser", "Orchideeëngrond 5 L", 4.99),
    ("soil & fertiliser", "Compost 40 L", 4.49),
    ("soil & fertiliser", "Mediterrane potgrond 40 L", 8.99),
    ("christmas", "Kerstboom Nordmann 150-175 cm", 49.99),
    ("christmas", "Kerstboom Nordmann 175-200 cm", 64.99),
    ("christmas", "Kerstboom in pot 100 cm", 29.99),
    ("christmas", "Kunstkerstboom 180 cm", 149.00),
    ("christmas", "Kerstverlichting led 200 lampjes", 24.99),
    ("christmas", "Kerstballen set (24 stuks)", 14.99),
    ("christmas", "Kerstster", 7.99),
    ("christmas", "Kerststukje", 19.99),
    ("christmas", "Kerstkrans deur", 29.99),
    ("christmas", "Kerstboomvoet", 24.99),
    ("christmas", "Piek glas", 9.99),
    ("christmas", "Kerstdorp verlicht", 59.99),
    ("christmas", "Adventskrans", 24.99),
)

# Shopping profiles: how strongly each profile leans to each category (order of CATEGORIES).
PROFILES: dict[str, tuple[float, ...]] = {
    "plant lover": (5.0, 2.0, 1.0, 0.3, 0.3, 3.0, 0.3, 1.0, 3.0, 1.0),
    "kitchen gardener": (2.0, 5.0, 3.0, 0.3, 0.3, 1.0, 0.5, 0.3, 4.0, 0.5),
    "outdoor living": (1.5, 0.3, 0.8, 4.0, 4.0, 2.0, 0.3, 2.0, 0.5, 0.8),
    "pet owner": (1.0, 0.3, 0.5, 0.3, 0.5, 0.5, 6.0, 0.8, 0.5, 0.8),
    "home decorator": (2.0, 0.3, 0.3, 1.0, 0.3, 3.0, 0.3, 5.0, 0.5, 3.0),
    "landscaper": (5.0, 1.0, 3.0, 1.0, 0.2, 2.0, 0.1, 0.5, 5.0, 0.3),
    "hospitality": (3.0, 0.3, 0.5, 4.0, 1.5, 3.0, 0.1, 3.0, 0.5, 2.5),
}
PROFILE_NAMES: tuple[str, ...] = tuple(PROFILES)
COST_MAGNET_AFFINITY = (0.5, 0.2, 0.5, 0.3, 3.0, 0.3, 4.0, 0.3, 3.0, 0.2)

# Needs segments: the mean score (1-5) on each need dimension, and how each behaves.
NEED_DIMENSIONS: tuple[str, ...] = (
    "price",
    "quality",
    "advice",
    "convenience",
    "sustainability",
    "assortment",
    "speed",
    "personal_service",
)
SEGMENTS: tuple[str, ...] = (
    "bargain hunters",
    "garden enthusiasts",
    "convenience shoppers",
    "green and personal",
    "professionals",
)
SEGMENT_NEEDS = np.array(
    [
        [4.6, 2.7, 2.0, 3.3, 2.1, 3.0, 3.2, 1.9],
        [2.5, 4.5, 4.3, 2.5, 3.3, 4.6, 2.4, 3.3],
        [3.2, 3.1, 2.0, 4.7, 2.5, 2.8, 4.6, 2.1],
        [2.3, 4.0, 3.8, 2.7, 4.7, 3.1, 2.3, 4.6],
        [3.9, 4.3, 2.4, 3.8, 2.7, 4.1, 4.6, 3.7],
    ]
)
# Share of consumers in each segment (professionals are the business accounts).
SEGMENT_SHARE_B2C = np.array([0.28, 0.22, 0.28, 0.22, 0.0])
SEGMENT_SHARE_B2B = np.array([0.0, 0.0, 0.2, 0.0, 0.8])
SEGMENT_FREQUENCY = np.array([0.9, 1.5, 1.0, 1.1, 2.0])
SEGMENT_SPEND = np.array([0.7, 1.2, 1.0, 1.15, 4.0])
SEGMENT_WEBSHOP = np.array([0.15, 0.12, 0.55, 0.08, 0.15])
SEGMENT_CALL_CENTRE = np.array([0.02, 0.03, 0.02, 0.05, 0.25])
SEGMENT_DIGITAL = np.array([0.45, 0.4, 0.8, 0.25, 0.5])
SEGMENT_AGE_SHIFT = np.array([-2.0, 3.0, -8.0, 8.0, 0.0])
SEGMENT_NPS = np.array([-0.6, 1.0, -0.2, 0.6, 0.2])
# Probability of each consumer profile (first five of PROFILE_NAMES) per segment.
SEGMENT_PROFILE = np.array(
    [
        [0.15, 0.20, 0.20, 0.30, 0.15],
        [0.45, 0.35, 0.10, 0.05, 0.05],
        [0.15, 0.05, 0.35, 0.15, 0.30],
        [0.40, 0.40, 0.05, 0.10, 0.05],
        [0.20, 0.20, 0.20, 0.20, 0.20],
    ]
)

# Contact channels and what one contact costs the company (EUR).
CHANNELS: tuple[str, ...] = ("store", "webshop", "call centre", "e-mail", "chat", "social media")
CHANNEL_COST = np.array([8.00, 0.40, 6.50, 3.00, 2.50, 2.00])
SALES_CHANNELS: tuple[str, ...] = ("store", "webshop", "call centre")
PROCESSES: tuple[str, ...] = (
    "sales",
    "information",
    "billing",
    "warranty",
    "complaint",
    "delivery",
)

# Where a customer first turns with a question about a process (rows: process; columns: channel).
PROCESS_CHANNEL = np.array(
    [
        [4.0, 2.0, 2.0, 1.5, 1.0, 0.5],
        [3.0, 2.0, 2.0, 1.5, 2.0, 1.0],
        [0.5, 0.5, 3.0, 3.0, 1.0, 0.3],
        [3.0, 0.5, 2.5, 2.0, 1.0, 0.5],
        [2.0, 0.5, 3.0, 2.5, 1.0, 1.5],
        [0.3, 1.0, 2.5, 2.5, 2.0, 0.7],
    ]
)
DIGITAL_CHANNELS = np.array([False, True, False, True, True, True])

# Share of first contacts that settle the question (rows: channel; columns: process).
RESOLUTION = np.array(
    [
        [0.95, 0.92, 0.80, 0.75, 0.70, 0.75],
        [0.90, 0.72, 0.50, 0.40, 0.30, 0.60],
        [0.88, 0.88, 0.50, 0.70, 0.65, 0.80],
        [0.80, 0.80, 0.70, 0.55, 0.50, 0.70],
        [0.85, 0.85, 0.50, 0.35, 0.45, 0.75],
        [0.60, 0.65, 0.40, 0.35, 0.25, 0.45],
    ]
)
# Mean satisfaction (1-5) before the effect of resolution and repeat contacts.
SATISFACTION = np.array(
    [
        [4.3, 4.2, 3.6, 3.5, 3.2, 3.6],
        [4.0, 3.7, 3.3, 3.2, 3.0, 3.4],
        [3.9, 3.9, 2.9, 3.4, 3.0, 3.6],
        [3.8, 3.8, 3.5, 3.2, 3.0, 3.5],
        [3.9, 3.9, 3.2, 2.8, 3.0, 3.6],
        [3.6, 3.6, 3.0, 2.9, 2.3, 3.1],
    ]
)
# Where a customer turns next when a contact did not settle the question.
HOP_CHANNEL = np.array([0.25, 0.05, 0.40, 0.20, 0.07, 0.03])
# How likely the company starts the contact, per process (only by phone or e-mail).
OUTBOUND = np.array([0.30, 0.10, 0.25, 0.05, 0.05, 0.50])
OUTBOUND_CHANNELS = np.array([False, False, True, True, False, False])

# Campaigns over the last two years: (id, offer, channel, days before the observation end,
# category index or None, kind). A "winback" goes to customers who stopped buying.
CAMPAIGNS: tuple[tuple[str, str, str, int, int | None, str], ...] = (
    ("CMP01", "Lenteactie: 20 % korting op zaden en bollen", "e-mail", 700, 1, "category"),
    ("CMP02", "Barbecueseizoen: gratis gasfles bij elke gasbarbecue", "e-mail", 590, 4, "category"),
    ("CMP03", "Tuinmeubelen: 15 % korting op loungesets", "direct mail", 560, 3, "category"),
    ("CMP04", "Herfstbollen: 3 + 1 gratis", "e-mail", 460, 1, "category"),
    ("CMP05", "Kerstmarkt: 10 euro korting vanaf 50 euro", "direct mail", 400, 9, "category"),
    ("CMP06", "Lentebeurs: dubbele spaarpunten op planten", "e-mail", 275, 0, "category"),
    ("CMP07", "Dierenweek: 15 % korting op dierenvoeding", "social media", 200, 6, "category"),
    ("CMP08", "We missen je: tegoedbon van 10 euro", "e-mail", 115, None, "winback"),
    ("CMP09", "Kerstactie: gratis kerstboomvoet bij een Nordmann", "e-mail", 40, 9, "category"),
)
