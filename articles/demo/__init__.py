"""The demo newsroom: a fictional paper in Ardenport, capital of the Republic of Meridia.

Everything here is invented for the project — places, people, companies, stories — and generated
combinatorially from the word lists in `world` and the story templates in `stories`, so a few hundred
or a hundred thousand articles read plausibly and differ. `seeder` writes them to the database;
`images` draws the portraits and lead images with Pillow; `accounts` makes the demo logins.
"""
