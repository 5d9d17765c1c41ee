"""Story templates for the demo newsroom, written for this project.

A kind of story (a council budget, a football match, a book prize) has one or more angles. An angle
holds the headlines, deks, ledes, paragraphs and quotes that belong together; the kind adds shared
background paragraphs, quotes, subheads, bullet lists and tags. `compose` fills the {placeholders}
from the word lists in `world`. Quotes are (speaker, text); speakers are official, expert, resident,
minister, mayor, ceo, coach, player, athlete, rower, artist, foreign and researcher. `field` picks
which experts a kind quotes.
"""

NEWS = [
    {
        "key": "council-budget",
        "field": "economy",
        "tags": ["Ardenport", "City council", "Budget", "{district}"],
        "angles": [
            {
                "headlines": [
                    "Ardenport council approves {amount} meridians for road repairs in {district}",
                    "Council votes through budget after {hours}-hour debate",
                    "City budget: what the new spending plan means for {district}",
                ],
                "deks": [
                    "Councillors backed the plan by {n_mid} votes to {n_mid2}; opposition members said it ignores "
                    "{district2}.",
                    "The spending plan funds road repairs, a new library and longer opening hours at swimming pools.",
                ],
                "ledes": [
                    "Ardenport city council has approved a spending plan worth {amount} meridians after a debate that "
                    "ran late into {weekday} night, with road repairs and a new library in {district} at its heart.",
                    "Residents of {district} will see their potholes filled and a new school built within {n_small} "
                    "years, under a budget approved by the city council on {weekday}.",
                ],
                "paragraphs": [
                    "Opposition councillors from {party2} voted against, arguing that the plan does little for "
                    "{district2}, where bus services were cut last year and the only swimming pool closed in the "
                    "spring.",
                    "The vote was {n_mid} to {n_mid2}, with {n_small2} abstentions.",
                ],
                "quotes": [
                    ("mayor", "This is a budget for the streets people actually walk on, not for glossy brochures.")
                ],
            },
            {
                "headlines": [
                    "Council tax to rise {percent_small} per cent as Ardenport sets budget",
                    "Ardenport households face {percent_small} per cent council tax rise",
                ],
                "deks": ["The increase is below inflation, but opposition councillors say residents get less for it."],
                "ledes": [
                    "Council tax in Ardenport will rise by {percent_small} per cent from April, after councillors "
                    "approved the city’s budget on {weekday} night.",
                ],
                "paragraphs": [
                    "The mayor, {mayor}, said the increase was “the smallest we could responsibly make” given the "
                    "rising cost of social care.",
                    "A typical household will pay about {n_big} meridians a year more.",
                ],
                "quotes": [("resident", "Every bill goes up and the bins still get collected late.")],
            },
        ],
        "paragraphs": [
            "The plan sets aside {percent} per cent of the capital budget for roads and pavements, the largest share "
            "in a decade. Council officers say more than {n_big} streets are in poor repair.",
            "The budget also extends library opening hours to evenings and Sundays, a promise made at the last "
            "municipal election and delayed twice since.",
            "Spending on social care rises by {amount} meridians, mostly to pay for home visits to elderly residents, "
            "which the council says have grown by a third since {year}.",
        ],
        "quotes": [
            ("official", "We have been patching the same roads for ten years. This money lets us fix them properly."),
            ("resident", "I will believe it when I see the diggers. We have heard this before."),
        ],
        "subheads": ["Where the money goes", "What the opposition says", "What happens next"],
        "lists": [
            (
                "The main items in the plan:",
                [
                    "Road and pavement repairs across {n_mid} streets",
                    "A new primary school and library in {district}",
                    "Longer opening hours at {n_small} swimming pools",
                    "{n_thousands} new street trees by {year_next}",
                ],
            ),
        ],
    },
    {
        "key": "tram-works",
        "field": "policy",
        "tags": ["Ardenport", "Transport", "{project_tag}", "{district}"],
        "angles": [
            {
                "headlines": [
                    "Work on {project} delayed again as costs climb to {amount} meridians",
                    "{project_cap} running {n_small} months late, city admits",
                ],
                "deks": [
                    "City hall blames a shortage of steel and a buried Victorian sewer; critics blame planning.",
                    "The project is now {percent} per cent over budget.",
                ],
                "ledes": [
                    "The opening of {project} has been pushed back again, city officials confirmed on {weekday}, "
                    "after engineers found an unrecorded sewer under {street} and the cost of steel rose sharply.",
                ],
                "paragraphs": [
                    "Engineers say the newly found sewer must be diverted before work can continue, a job that will "
                    "take at least {n_mid} days and require night work.",
                    "The project was approved in {year} with a budget that has since risen by {percent} per cent, "
                    "according to figures presented to the transport committee.",
                ],
                "quotes": [
                    (
                        "official",
                        "Nobody is happy about this delay, least of all us. But we will not cut corners on safety.",
                    ),
                ],
            },
            {
                "headlines": [
                    "Shops on {street} count the cost of {project}",
                    "‘Customers think we have closed’: life beside {project}",
                ],
                "deks": ["Traders say takings have fallen by a third since the road was fenced off."],
                "ledes": [
                    "For {n_small} months, the shops on {street} in {district} have traded from behind a blue "
                    "plywood fence while work on {project} goes on outside.",
                ],
                "paragraphs": [
                    "Several traders have asked the city for compensation; none has yet received any.",
                    "A café owner said she had cut her opening hours and let {n_small2} staff go.",
                ],
                "quotes": [
                    ("resident", "My shop has been behind a fence for a year. Customers think we have closed.")
                ],
            },
        ],
        "paragraphs": [
            "Once finished, the scheme is expected to carry {n_thousands} people a day between {district} and the "
            "city centre, cutting the journey by around {n_small} minutes.",
            "The city’s transport committee will review the timetable again at its next meeting.",
        ],
        "quotes": [
            (
                "expert",
                "Big transport projects almost always overrun. The question is whether the city planned for it.",
            ),
        ],
        "subheads": ["Why the delay", "Shops feel the pinch", "What the city says"],
        "lists": [],
    },
    {
        "key": "court-case",
        "field": "law",
        "tags": ["Courts", "Crime", "Ardenport"],
        "angles": [
            {
                "headlines": [
                    "Former {company} manager jailed for {n_small} years over fraud",
                    "{company} fraudster jailed after {n_small2}-week trial",
                ],
                "deks": ["The judge said the case showed “a prolonged and deliberate breach of trust”."],
                "ledes": [
                    "A former manager at {company} has been jailed for {n_small} years after a court in Ardenport "
                    "found that she had moved {amount} meridians of company money into accounts she controlled.",
                ],
                "paragraphs": [
                    "Prosecutors told the court that the payments were disguised as invoices from suppliers that did "
                    "not exist. The scheme ran for {n_small2} years before an auditor noticed that one supplier "
                    "shared "
                    "a postcode with the defendant’s sister.",
                    "{company} said in a statement that it had tightened its controls and recovered most of the "
                    "money.",
                ],
                "quotes": [
                    ("official", "Fraud is not a victimless crime. Every meridian taken here was taken from someone.")
                ],
            },
            {
                "headlines": [
                    "Court hears how {amount} meridians vanished from {town} charity",
                    "Charity treasurer ‘spent hospice donations on cars and holidays’",
                ],
                "deks": ["The trial at Ardenport Crown Court is expected to last {n_small} weeks."],
                "ledes": [
                    "A court in Ardenport has heard how money raised for a children’s hospice in {town} was spent on "
                    "cars, holidays and a flat in {district}.",
                ],
                "paragraphs": [
                    "The former treasurer denies fraud. His lawyer told the jury the money was a loan that he had "
                    "always intended to repay.",
                    "Volunteers who had organised sponsored walks and cake sales for the hospice sat in the public "
                    "gallery.",
                ],
                "quotes": [("resident", "We baked cakes for that money. Hundreds of us.")],
            },
        ],
        "paragraphs": [
            "The case is one of {n_mid} fraud trials listed at the court this year, a record, according to figures "
            "from the Ministry of Justice.",
            "The defence argued that senior figures had known about the payments, a claim the prosecution rejected.",
        ],
        "quotes": [("expert", "Cases like this are usually found by accident. Better audits would find them sooner.")],
        "subheads": ["How the scheme worked", "In court"],
        "lists": [],
    },
    {
        "key": "weather",
        "field": "science",
        "tags": ["Weather", "{region}", "{town}"],
        "angles": [
            {
                "headlines": [
                    "Flood warnings issued for {region} as rivers rise",
                    "Rain brings floods to {town}; more forecast for {weekday}",
                ],
                "deks": ["The weather service has asked people not to drive through floodwater."],
                "ledes": [
                    "The national weather service has issued flood warnings for {region} after {n_mid} millimetres "
                    "of rain fell in {n_small} hours, and more is forecast for {weekday}.",
                ],
                "paragraphs": [
                    "The river at {town} was {percent} centimetres above its normal level on {weekday} morning and "
                    "still rising, according to the Environment Agency’s gauges.",
                    "Emergency services rescued {n_small2} people from cars stuck in floodwater overnight. No one was "
                    "seriously hurt.",
                ],
                "quotes": [
                    (
                        "official",
                        "Please do not drive through floodwater. Thirty centimetres is enough to float a car.",
                    ),
                    (
                        "resident",
                        "The water came up through the floor in twenty minutes. We just grabbed the children "
                        "and left.",
                    ),
                ],
                "lists": [
                    (
                        "The weather service’s advice:",
                        [
                            "Do not walk or drive through floodwater",
                            "Keep away from fallen power lines and report them",
                            "Check on elderly neighbours",
                            "Follow updates from the emergency services",
                        ],
                    ),
                ],
            },
            {
                "dateline": "{town}",
                "headlines": [
                    "Storm cuts power to {n_thousands} homes in {town}",
                    "Trees down and schools shut as storm hits {region}",
                ],
                "deks": ["Engineers worked through the night; schools in {town} stay closed on {weekday}."],
                "ledes": [
                    "Thousands of homes in and around {town} were without electricity on {weekday} after a storm "
                    "brought down trees and power lines across {region}.",
                ],
                "paragraphs": [
                    "Bluewater Energy said most customers should be reconnected by the evening, but warned that some "
                    "homes in rural areas could wait several days.",
                    "Gusts of {n_mid} kilometres an hour were recorded on the coast.",
                ],
                "quotes": [("resident", "We heard a crack like a gunshot and then the whole street went dark.")],
            },
            {
                "headlines": [
                    "Heatwave: {town} records hottest day since {year}",
                    "Hospitals on alert as heatwave grips {region}",
                ],
                "deks": [
                    "Doctors urged people to stay out of the sun in the afternoon and check on elderly neighbours."
                ],
                "ledes": [
                    "Temperatures in {town} reached {n_temp} degrees on {weekday}, the highest since records began in "
                    "{year}, as a heatwave settled over {region}.",
                ],
                "paragraphs": [
                    "Cities opened cool rooms in libraries and community centres, and some schools finished early.",
                    "Farmers in {region} warned that the heat was damaging crops already weakened by a dry spring.",
                ],
                "quotes": [("official", "Drink water, stay in the shade, and check on anyone who lives alone.")],
            },
        ],
        "paragraphs": [
            "Forecasters say extreme weather is becoming more frequent. The last comparable event in {region} was in "
            "{year}.",
        ],
        "quotes": [("expert", "What used to be a once-in-a-generation event now comes round every few years.")],
        "subheads": ["What to do", "The forecast"],
        "lists": [],
    },
    {
        "key": "housing",
        "field": "economy",
        "tags": ["Housing", "Rents", "{district}"],
        "angles": [
            {
                "headlines": [
                    "Rents in {district} up {percent} per cent in a year, figures show",
                    "Hundreds queue to view {n_small} flats in {district}",
                ],
                "deks": ["Young people and key workers say they are being priced out of the capital."],
                "ledes": [
                    "The average rent for a two-bedroom flat in {district} has risen by {percent} per cent in twelve "
                    "months, according to figures published on {weekday}, the steepest rise anywhere in Ardenport.",
                ],
                "paragraphs": [
                    "Letting agents say demand far exceeds supply. One agent on {street} said a flat advertised on a "
                    "Monday had {n_mid} enquiries by lunchtime.",
                    "Tenants’ groups want the government to limit rent increases to inflation, a measure {party} has "
                    "promised but not yet introduced.",
                ],
                "quotes": [("resident", "I work in the hospital down the road and I cannot afford to live near it.")],
            },
            {
                "headlines": [
                    "{n_big} new homes approved on former {company} site",
                    "Go-ahead for {n_big} homes in {district} after {n_small}-year dispute",
                ],
                "deks": [
                    "The developer says a quarter of the homes will be affordable; campaigners say that is not enough."
                ],
                "ledes": [
                    "Planners have approved {n_big} new homes on the site of a former {company} depot in {district}, "
                    "ending a dispute that has lasted {n_small} years.",
                ],
                "paragraphs": [
                    "The scheme includes a park, a health centre and ground-floor shops. Construction is due to start "
                    "next year and take {n_small2} years.",
                    "Neighbours had objected to the height of the tallest block, which was cut by {n_small2} storeys.",
                ],
                "quotes": [
                    (
                        "official",
                        "This is the largest affordable housing scheme the district has seen in a generation.",
                    )
                ],
            },
        ],
        "paragraphs": [
            "The city’s own target is {n_thousands} new homes a year. It has not met it since {year}.",
        ],
        "quotes": [("expert", "Until we build more homes, every other measure is treating the symptoms.")],
        "subheads": ["Who is priced out", "The numbers"],
        "lists": [],
    },
    {
        "key": "schools",
        "field": "policy",
        "tags": ["Education", "Schools", "{town}"],
        "angles": [
            {
                "dateline": "{town}",
                "headlines": [
                    "{town} school rated outstanding after turnaround",
                    "From failing to outstanding: how a {town} school turned itself round",
                ],
                "deks": ["Inspectors praised the head teacher and a new reading programme."],
                "ledes": [
                    "A secondary school in {town} that was judged failing {n_small} years ago has been rated "
                    "outstanding by inspectors, who praised its teaching and a reading programme now copied across "
                    "{region}.",
                ],
                "paragraphs": [
                    "Inspectors said pupils were “confident, curious and kind”, and that behaviour had improved "
                    "dramatically. Attendance has risen by {n_small2} percentage points since the last inspection.",
                    "Every pupil now reads aloud to an adult twice a week, and the library opens before school.",
                ],
                "quotes": [
                    ("resident", "My daughter used to dread school. Now she comes home talking about books."),
                    ("expert", "Turnarounds like this are rare, and they are almost always about leadership."),
                ],
            },
            {
                "headlines": [
                    "Teachers in {region} vote to strike over pay",
                    "School strikes loom as talks with ministry collapse",
                ],
                "deks": [
                    "The union says {percent_high} per cent of members backed action on a turnout of "
                    "{percent2} per cent."
                ],
                "ledes": [
                    "Teachers across {region} have voted to strike over pay and workload, raising the prospect of "
                    "school closures before the end of term.",
                ],
                "paragraphs": [
                    "The Ministry of Education said it had offered a pay rise of {percent_small} per cent and urged "
                    "the union to return to talks.",
                    "Parents’ groups said they supported the teachers but worried about pupils facing exams this "
                    "summer.",
                ],
                "quotes": [("minister", "Our door is open. Strikes help nobody, least of all the children.")],
            },
        ],
        "paragraphs": [
            "Head teachers say the hardest posts to fill are in maths and science. One school in {town2} has "
            "advertised a physics post {n_small} times without appointing anyone.",
        ],
        "quotes": [],
        "subheads": ["What changed", "What the ministry says"],
        "lists": [],
    },
]

POLITICS = [
    {
        "key": "bill-vote",
        "field": "policy",
        "tags": ["National Assembly", "{bill_tag}", "Government"],
        "angles": [
            {
                "headlines": [
                    "Assembly passes {bill} by {n_mid} votes to {n_mid2}",
                    "{bill_cap} clears the Assembly after late concession",
                ],
                "deks": ["The vote followed {hours} hours of debate and a last-minute change on {policy}."],
                "ledes": [
                    "The National Assembly has passed {bill} by {n_mid} votes to {n_mid2}, after the government "
                    "agreed a last-minute change demanded by its own backbenchers.",
                ],
                "paragraphs": [
                    "The bill now goes to committee, where members of all parties will examine it line by line. "
                    "Ministers hope it will receive final approval before the summer recess.",
                    "The {portfolio} minister, {minister}, told members the bill would be “stronger, not weaker” for "
                    "the amendment.",
                ],
                "quotes": [("minister", "We listened, we changed it, and now we will deliver it.")],
            },
            {
                "headlines": [
                    "Government defeated on key clause of {bill}",
                    "Rebels inflict defeat on ministers over {bill}",
                ],
                "deks": ["{party2} called the bill “rushed and unworkable”; ministers say it will still become law."],
                "ledes": [
                    "Ministers suffered an embarrassing defeat on {weekday} night when {n_small} members of {party} "
                    "voted with the opposition on a central clause of {bill}.",
                ],
                "paragraphs": [
                    "The opposition leader said the government had “lost control of its own benches” and called for "
                    "the bill to be withdrawn.",
                    "Government whips spent the afternoon trying to persuade rebels to abstain, without success.",
                ],
                "quotes": [
                    ("official", "The government will reflect on the vote and bring forward a revised clause.")
                ],
            },
        ],
        "paragraphs": [
            "Analysts said the vote showed the limits of a coalition whose majority has shrunk to {n_small} since the "
            "last election.",
        ],
        "quotes": [
            ("expert", "Governments with majorities this thin have to negotiate every vote. That is what we saw.")
        ],
        "subheads": ["What the bill does", "The rebellion", "What happens next"],
        "lists": [
            (
                "What the bill would change:",
                ["A new independent regulator", "Fines of up to {amount} meridians", "A review after {n_small} years"],
            ),
        ],
    },
    {
        "key": "poll",
        "field": "policy",
        "tags": ["Elections", "Opinion polls", "{party_tag}"],
        "angles": [
            {
                "headlines": [
                    "{party_cap} takes {percent_small}-point lead in new poll",
                    "Poll puts {party} ahead for the first time this year",
                ],
                "deks": ["The survey of {n_thousands} adults puts the governing coalition behind."],
                "ledes": [
                    "{party_cap} has opened a lead of {percent_small} points over the governing coalition, according "
                    "to a poll published on {weekday}, the widest gap since the last election.",
                ],
                "paragraphs": [
                    "Support for {party2} has fallen to {percent2} per cent, its lowest level in {n_small} years.",
                    "The Prime Minister, {pm}, dismissed the findings, saying the only poll that counted was the "
                    "election.",
                ],
                "quotes": [("resident", "I voted for the coalition last time. I am not sure I will again.")],
            },
            {
                "headlines": [
                    "Poll: {percent_high} per cent say the country is on the wrong track",
                    "Cost of living tops voters’ worries, survey finds",
                ],
                "deks": ["Prices and bills come ahead of health and housing."],
                "ledes": [
                    "Almost {percent_high} per cent of Meridians believe the country is heading in the wrong "
                    "direction, a new survey has found, with the cost of living cited as the main worry.",
                ],
                "paragraphs": [
                    "Younger voters were the most likely to say they had not decided, suggesting the race remains "
                    "open.",
                    "Voters in {region} were the most pessimistic, and those in Ardenport the least.",
                ],
                "quotes": [("resident", "Everything costs more and nobody in parliament seems to notice.")],
                "lists": [
                    (
                        "Voters’ top concerns, according to the survey:",
                        ["Prices and bills", "Waiting times for hospitals", "Housing costs", "Jobs and wages"],
                    ),
                ],
            },
        ],
        "paragraphs": [
            "The poll, carried out by the Ardenport Institute of Public Opinion, surveyed {n_thousands} adults online "
            "and by phone. Its margin of error is about three points.",
        ],
        "quotes": [("expert", "One poll is a snapshot. Several polls pointing the same way is a trend.")],
        "subheads": ["What voters care about", "How the parties compare"],
        "lists": [],
    },
    {
        "key": "minister-pressure",
        "field": "policy",
        "tags": ["Government", "{portfolio} ministry", "{minister}"],
        "angles": [
            {
                "headlines": [
                    "{portfolio} minister under pressure over no-bid contract",
                    "Calls grow for {minister} to resign over {amount}-meridian contract",
                ],
                "deks": ["Opposition members want an inquiry into how the contract was awarded without a tender."],
                "ledes": [
                    "The {portfolio} minister, {minister}, faced repeated calls to resign on {weekday} over a "
                    "{amount}-meridian contract awarded without competition to a company whose director is a party "
                    "donor.",
                ],
                "paragraphs": [
                    "Documents seen by the Ledger show that the contract was signed {n_small} days after the company "
                    "was registered. The ministry says the work was urgent and the rules allowed an exception.",
                    "{party2} has written to the parliamentary standards commissioner asking for an investigation.",
                ],
                "quotes": [
                    ("minister", "Every rule was followed. I have nothing to hide and I will answer every question.")
                ],
            },
            {
                "headlines": [
                    "Prime Minister backs {minister} after week of criticism",
                    "{pm} stands by {portfolio} minister",
                ],
                "deks": ["{pm} said the minister retained her “full confidence”."],
                "ledes": [
                    "The Prime Minister, {pm}, has given her backing to the {portfolio} minister, {minister}, after "
                    "a week of criticism from the opposition and some of her own members.",
                ],
                "paragraphs": [
                    "Government sources said the minister was expected to survive, but acknowledged the row had "
                    "become a distraction ahead of the budget.",
                ],
                "quotes": [
                    ("official", "The minister has the Prime Minister’s full confidence. That has not changed.")
                ],
            },
        ],
        "paragraphs": [
            "The minister will answer questions from the public accounts committee next {weekday}.",
        ],
        "quotes": [("expert", "Emergency exemptions exist for emergencies. The question is whether this was one.")],
        "subheads": ["The contract", "What happens next"],
        "lists": [],
    },
    {
        "key": "policy-pledge",
        "field": "economy",
        "tags": ["{party_tag}", "Policy", "Elections"],
        "angles": [
            {
                "headlines": [
                    "{party_cap} pledges {policy} if elected",
                    "{party_cap} unveils plan for {policy} at conference in {town}",
                ],
                "deks": [
                    "The party says the plan would cost {amount} meridians a year and be paid for by closing tax "
                    "loopholes."
                ],
                "ledes": [
                    "{party_cap} has promised {policy} if it wins the next election, in a speech to its annual "
                    "conference in {town} that was interrupted {n_small} times by applause.",
                ],
                "paragraphs": [
                    "The party’s costings, published alongside the speech, put the price at {amount} meridians a "
                    "year. Independent analysts said the figure looked optimistic.",
                    "Rival parties were quick to attack the plan. {party2_cap} said it was “a promise written on the "
                    "back of an envelope”.",
                ],
                "quotes": [("resident", "Anything that helps with bills gets my attention.")],
            },
            {
                "headlines": [
                    "Would {policy} work? What the evidence says",
                    "Explainer: the case for and against {policy}",
                ],
                "deks": ["Economists are divided; opponents call it a gimmick."],
                "ledes": [
                    "The promise of {policy} has become one of the most talked-about ideas of the campaign. We asked "
                    "economists and people affected whether it would work.",
                ],
                "paragraphs": [
                    "Similar schemes have been tried in {country}, where results were mixed: take-up was high, but "
                    "the cost rose by {percent} per cent in the first two years.",
                    "Supporters say the policy would help {n_thousands} families and pay for itself over time.",
                ],
                "quotes": [],
            },
        ],
        "paragraphs": [],
        "quotes": [("expert", "It is a serious idea, but the costings need a second look.")],
        "subheads": ["The costs", "The evidence from abroad"],
        "lists": [],
    },
    {
        "key": "local-election",
        "field": "policy",
        "tags": ["Elections", "Local government", "{town}"],
        "angles": [
            {
                "dateline": "{town}",
                "headlines": [
                    "{party_cap} wins control of {town} council",
                    "{party_cap} ends {n_mid}-year rule of {party2} in {town}",
                ],
                "deks": ["The new council leader says her first act will be to review an incinerator plan."],
                "ledes": [
                    "{party_cap} has taken control of {town} council for the first time, winning {n_small} seats "
                    "from {party2} in elections held on {weekday}.",
                ],
                "paragraphs": [
                    "The count at the town’s sports hall went on past midnight. A recount was ordered in one ward, "
                    "where the margin was {n_small2} votes.",
                    "Turnout was {percent} per cent, down from {percent2} per cent four years ago.",
                ],
                "quotes": [("resident", "People here felt nobody was listening. Tonight they made themselves heard.")],
            },
            {
                "headlines": [
                    "By-election in {district}: a close race on a cold day",
                    "{district} votes in by-election seen as test for government",
                ],
                "deks": ["Both main parties treat the contest as a test of the national mood."],
                "ledes": [
                    "Voters in {district} go to the polls on {weekday} in a by-election that both main parties treat "
                    "as a test of the national mood.",
                ],
                "paragraphs": [
                    "Campaigners from {party} and {party2} have knocked on almost every door in the district, some of "
                    "them more than once.",
                    "Polling stations open at seven in the morning and close at ten at night.",
                ],
                "quotes": [("resident", "I have had more leaflets this month than in the last ten years.")],
            },
        ],
        "paragraphs": [
            "Local issues dominated the campaign: the closure of a maternity unit, bus routes and a plan to build a "
            "waste incinerator near {town2}.",
        ],
        "quotes": [
            ("expert", "Local elections are about local things, but parties will read national lessons into them.")
        ],
        "subheads": ["The result", "The campaign"],
        "lists": [],
    },
]

BUSINESS = [
    {
        "key": "results",
        "field": "economy",
        "tags": ["{company_tag}", "Companies", "Earnings"],
        "angles": [
            {
                "headlines": [
                    "{company} profits rise {percent} per cent on strong demand for {product}",
                    "Shares in {company} jump after record year",
                ],
                "deks": ["The company will pay a higher dividend and hire {n_big} people next year."],
                "ledes": [
                    "{company} has reported a {percent} per cent rise in annual profits, helped by strong demand for "
                    "{product} at home and abroad.",
                ],
                "paragraphs": [
                    "Revenue reached {amount} meridians, the company said, ahead of analysts’ forecasts. Shares rose "
                    "{percent_small} per cent in morning trading on the Ardenport exchange.",
                    "Unions welcomed the results but said staff should share in the profits. Pay talks begin next "
                    "month.",
                ],
                "quotes": [("ceo", "Our people delivered an exceptional year in a difficult market.")],
                "lists": [
                    (
                        "Highlights from the results:",
                        [
                            "Revenue of {amount} meridians",
                            "Profit up {percent} per cent",
                            "{n_big} new jobs planned",
                            "Dividend raised by {percent_small} per cent",
                        ],
                    ),
                ],
            },
            {
                "headlines": [
                    "{company} warns of lower profits as costs bite",
                    "{company} shares fall after profit warning",
                ],
                "deks": ["The chief executive, {ceo}, blamed energy prices and a weaker currency."],
                "ledes": [
                    "{company} has warned that profits will fall this year as energy, wages and shipping costs rise "
                    "faster than it can raise prices.",
                ],
                "paragraphs": [
                    "Shares fell {percent_small} per cent in early trading, wiping {amount} meridians off the "
                    "company’s value.",
                    "The company said it would delay some investment and freeze hiring at head office.",
                ],
                "quotes": [("ceo", "We are taking early action so that we come out of this stronger.")],
            },
        ],
        "paragraphs": [
            "{company_desc_cap} employs {n_thousands} people in Meridia, most of them in {town} and {district}.",
            "The company plans to spend {amount} meridians on a new plant in {town2}, which it says will open in "
            "{year_next}.",
        ],
        "quotes": [
            ("expert", "The numbers are one thing; the outlook statement was more cautious than investors hoped.")
        ],
        "subheads": ["The numbers", "The outlook"],
        "lists": [],
    },
    {
        "key": "inflation",
        "field": "economy",
        "tags": ["Economy", "Inflation", "Central bank"],
        "angles": [
            {
                "headlines": [
                    "Inflation falls to {percent_small} per cent, lowest since {year}",
                    "Food prices push inflation higher for second month",
                ],
                "deks": ["Economists expect the central bank to cut rates before the end of the year."],
                "ledes": [
                    "Inflation in Meridia stood at {percent_small} per cent last month, official figures showed on "
                    "{weekday}, with food prices the biggest single driver.",
                ],
                "paragraphs": [
                    "Food prices rose {percent_small} per cent over the year, driven by a poor harvest in {region} "
                    "and higher transport costs.",
                    "The Finance Ministry said the figures showed its policies were working.",
                ],
                "quotes": [("resident", "Everything costs more at the market. I buy less and I shop around.")],
            },
            {
                "headlines": [
                    "Central bank holds interest rates at {percent_small} per cent",
                    "Rates unchanged for {rank} meeting in a row",
                ],
                "deks": ["The bank’s governor said the committee was “unanimous but watchful”."],
                "ledes": [
                    "The Central Bank of Meridia has kept interest rates unchanged for the {rank} meeting in a row, "
                    "saying price pressures have not yet eased enough.",
                ],
                "paragraphs": [
                    "The governor said the committee would look closely at wage figures due next month.",
                    "Mortgage holders have seen monthly payments rise by an average of {n_big} meridians since rates "
                    "began to climb.",
                ],
                "quotes": [],
            },
        ],
        "paragraphs": [],
        "quotes": [("expert", "The direction is right, but services inflation is still too sticky for comfort.")],
        "subheads": ["What it means for households", "The central bank’s view"],
        "lists": [],
    },
    {
        "key": "jobs",
        "field": "economy",
        "tags": ["Jobs", "{company_tag}", "{town}"],
        "angles": [
            {
                "dateline": "{town}",
                "headlines": [
                    "{company} to cut {n_big} jobs at {town} site",
                    "{town} fears for its future as {company} cuts jobs",
                ],
                "deks": ["Unions say they will fight the closure; the company blames falling orders."],
                "ledes": [
                    "{company} is to cut {n_big} jobs at its site in {town}, the company told staff on {weekday}, "
                    "blaming a collapse in orders.",
                ],
                "paragraphs": [
                    "The site has been one of the largest employers in {town} since the 1960s. Local shops and "
                    "suppliers depend on it.",
                    "Union officials said they had not been consulted and would ask ministers to intervene.",
                ],
                "quotes": [
                    ("ceo", "This was a difficult decision, and we will support every colleague affected."),
                    ("resident", "My father worked there, and so did I. It is the heart of this town."),
                ],
            },
            {
                "dateline": "{town}",
                "headlines": [
                    "{company} creates {n_big} jobs with new {town} factory",
                    "New {company} plant to make {product} in {town}",
                ],
                "deks": ["The plant will make {product} and open in {year_next}."],
                "ledes": [
                    "{company} will open a factory in {town} making {product}, creating {n_big} jobs in a town where "
                    "unemployment is twice the national average.",
                ],
                "paragraphs": [
                    "The regional development agency contributed {amount} meridians towards the cost, in return for "
                    "a promise to recruit locally.",
                    "Training will begin next spring at the technical college in {town2}.",
                ],
                "quotes": [("official", "We will do everything we can to keep skilled jobs in the region.")],
            },
        ],
        "paragraphs": [],
        "quotes": [("expert", "Manufacturing jobs have a multiplier: each one supports two or three others locally.")],
        "subheads": ["What it means for the town", "The company’s case"],
        "lists": [],
    },
    {
        "key": "startup",
        "field": "economy",
        "tags": ["Start-ups", "Technology", "Ardenport"],
        "angles": [
            {
                "headlines": [
                    "Ardenport start-up raises {amount} meridians to take on food waste",
                    "Food-waste app from {district} lands {amount}-meridian investment",
                ],
                "deks": ["The company, founded by {n_small2} friends from university, now employs {n_mid} people."],
                "ledes": [
                    "A start-up founded in a shared office in {district} has raised {amount} meridians from investors "
                    "to expand an app that helps supermarkets sell food before it expires.",
                ],
                "paragraphs": [
                    "The founders met at {institute} and started the company with savings and a loan from a family "
                    "member. Their first customer was a grocer on {street}.",
                    "The funding round was led by a fund based in {country}.",
                ],
                "quotes": [("ceo", "We started with a spreadsheet and a borrowed van. We still have the van.")],
            },
            {
                "headlines": [
                    "Tech firms flock to {district} as rents fall",
                    "How {district}’s empty warehouses became a start-up hub",
                ],
                "deks": ["Investors say Meridia’s capital is becoming a serious place to build a company."],
                "ledes": [
                    "Three years ago, the warehouses of {district} were empty. Now they house {n_mid} technology "
                    "companies and a coffee shop with a queue out of the door.",
                ],
                "paragraphs": [
                    "Landlords cut rents sharply after the port moved its container terminal, and founders followed.",
                ],
                "quotes": [],
            },
        ],
        "paragraphs": [
            "Founders say the hardest part is hiring: engineers are in short supply and salaries have risen by "
            "{percent} per cent in two years.",
        ],
        "quotes": [("expert", "Five years ago you had to leave Meridia to raise money. That is no longer true.")],
        "subheads": ["How it started", "What comes next"],
        "lists": [],
    },
    {
        "key": "energy-bills",
        "field": "economy",
        "tags": ["Energy", "Bills", "Bluewater Energy"],
        "angles": [
            {
                "headlines": [
                    "Household energy bills to fall by {percent} per cent from next month",
                    "Energy bills cut as wholesale prices ease",
                ],
                "deks": ["The regulator said lower wholesale prices were finally reaching customers."],
                "ledes": [
                    "Energy bills for most households will fall by around {percent} per cent from next month, the "
                    "regulator announced on {weekday}, as lower wholesale gas prices feed through.",
                ],
                "paragraphs": [
                    "The average household will save about {n_big} meridians a year, although bills remain higher "
                    "than before the price rises of {year}.",
                    "Consumer groups welcomed the cut but said standing charges, which are paid regardless of use, "
                    "were still too high.",
                ],
                "quotes": [
                    ("resident", "A cut is welcome, but it does not undo two winters of sitting in a coat indoors.")
                ],
            },
            {
                "headlines": [
                    "Bluewater Energy fined {amount} meridians over billing errors",
                    "Regulator fines Bluewater Energy for overcharging {n_thousands} customers",
                ],
                "deks": ["The company overcharged customers for more than a year."],
                "ledes": [
                    "Bluewater Energy has been fined {amount} meridians after sending inaccurate bills to "
                    "{n_thousands} customers, some of whom were charged for electricity they had not used.",
                ],
                "paragraphs": [
                    "The company apologised and said all affected customers had been refunded with interest.",
                ],
                "quotes": [
                    (
                        "official",
                        "Customers deserve bills they can trust. This fine should be a warning to every supplier.",
                    )
                ],
                "lists": [
                    (
                        "How to check your bill:",
                        [
                            "Compare the meter reading with the one on the bill",
                            "Look for estimated readings, marked with an E",
                            "Check the standing charge and unit rate",
                            "Complain to the supplier first, then the ombudsman",
                        ],
                    ),
                ],
            },
        ],
        "paragraphs": [],
        "quotes": [],
        "subheads": ["What changes for customers", "The regulator’s view"],
        "lists": [],
    },
]

WORLD = [
    {
        "key": "summit",
        "field": "world",
        "tags": ["Diplomacy", "{country_tag}", "Foreign policy"],
        "angles": [
            {
                "dateline": "{foreign_capital}",
                "headlines": [
                    "Meridia and {country} sign deal on {foreign_topic}",
                    "Breakthrough on {foreign_topic} after {n_small} rounds of talks with {country}",
                ],
                "deks": ["The agreement ends a dispute that has soured relations since {year}."],
                "ledes": [
                    "Meridia and {country} have signed an agreement on {foreign_topic} after {n_small} rounds of "
                    "talks, ending a dispute that has strained relations between the neighbours since {year}.",
                ],
                "paragraphs": [
                    "The deal was signed in {foreign_capital} by the two foreign ministers. Its full text will be "
                    "published once it has been approved by both parliaments.",
                    "Opposition parties in both countries have criticised the agreement, for opposite reasons.",
                ],
                "quotes": [
                    ("foreign", "Neighbours do not have to agree on everything, but they must be able to talk.")
                ],
            },
            {
                "headlines": [
                    "{foreign_leader} visits Ardenport as ties with {country} warm",
                    "First visit by a leader of {country} in a decade",
                ],
                "deks": ["Talks are expected to cover trade, {foreign_topic} and a new rail link."],
                "ledes": [
                    "{foreign_leader} of {country} arrived in Ardenport on {weekday} for the first official visit by "
                    "a leader of the country in more than a decade.",
                ],
                "paragraphs": [
                    "Crowds gathered outside the presidential palace, and the two leaders walked together through "
                    "the Old Harbour before their talks.",
                    "Diplomats said the personal relationship between the leaders had been key to the thaw.",
                ],
                "quotes": [
                    ("foreign", "Our peoples have more in common than our governments have sometimes admitted.")
                ],
            },
        ],
        "paragraphs": [
            "Trade between the two countries is worth about {amount} meridians a year, and has grown by {percent} "
            "per cent since a new rail link opened.",
        ],
        "quotes": [("expert", "This is a modest step, but in this region modest steps are how trust is built.")],
        "subheads": ["What was agreed", "The history"],
        "lists": [],
    },
    {
        "key": "foreign-election",
        "field": "world",
        "tags": ["Elections", "{country_tag}"],
        "angles": [
            {
                "dateline": "{foreign_capital}",
                "headlines": [
                    "{country}: opposition claims victory in tight election",
                    "Opposition ahead as counting continues in {country}",
                ],
                "deks": [
                    "Official results are expected on {weekday}; observers reported long queues but few "
                    "irregularities."
                ],
                "ledes": [
                    "The opposition in {country} has claimed victory in a parliamentary election that early results "
                    "suggest was the closest in the country’s history.",
                ],
                "paragraphs": [
                    "In {foreign_capital}, supporters gathered outside party headquarters long after midnight, waving "
                    "flags and sounding car horns.",
                    "Coalition talks could take weeks, analysts said, with {n_small} parties likely to enter "
                    "parliament.",
                ],
                "quotes": [("opposition", "The people have spoken, and they have asked for change.")],
            },
            {
                "headlines": [
                    "Voters in {country} head to polls amid economic gloom",
                    "{country} votes: what is at stake for Meridia",
                ],
                "deks": ["Prices are rising, unemployment is high and trust in politicians is at a record low."],
                "ledes": [
                    "Voters in {country} go to the polls on {weekday} with prices rising, unemployment high and trust "
                    "in politicians at a record low.",
                ],
                "paragraphs": [
                    "Turnout at the last election was {percent_high} per cent; pollsters expect it to be lower this "
                    "time.",
                ],
                "quotes": [],
            },
        ],
        "paragraphs": [
            "International observers said the campaign was largely fair, although they noted problems with voter "
            "lists in some rural areas.",
            "The result matters for Meridia: {country} is one of its largest trading partners and shares a "
            "{n_big}-kilometre border.",
        ],
        "quotes": [("expert", "Whoever forms the government will inherit an economy in real difficulty.")],
        "subheads": ["The result", "Why it matters for Meridia"],
        "lists": [],
    },
    {
        "key": "border",
        "field": "world",
        "tags": ["Migration", "{country_tag}", "Borders"],
        "angles": [
            {
                "headlines": [
                    "Queues at {country} border as new checks begin",
                    "Lorries wait {n_small} hours as border checks start",
                ],
                "deks": ["Lorry drivers reported waits of up to {n_small} hours on the first day."],
                "ledes": [
                    "Lorries queued for up to {n_small} hours at the border with {country} on {weekday} as new "
                    "document checks came into force.",
                ],
                "paragraphs": [
                    "Officials said the checks were needed to stop smuggling, and that waiting times would fall as "
                    "staff became familiar with the system.",
                    "Hauliers warned that delays would push up the price of fresh food, much of which crosses the "
                    "border daily.",
                ],
                "quotes": [
                    ("official", "These checks protect legitimate trade. We are adding staff to reduce the queues.")
                ],
            },
            {
                "headlines": [
                    "Workers from {country} fill gaps in Meridia’s farms and hospitals",
                    "The {country} nurses keeping Ardenport’s wards open",
                ],
                "deks": ["About {n_thousands} people from {country} now work in Meridia, official figures show."],
                "ledes": [
                    "Thousands of workers from {country} have come to Meridia over the past {n_small} years, many of "
                    "them to farms in {region} and hospitals in the capital.",
                ],
                "paragraphs": [
                    "At one hospital in {district}, almost {percent} per cent of nurses on a single ward trained in "
                    "{country}.",
                    "Employers’ groups want the government to make visas easier to obtain.",
                ],
                "quotes": [("resident", "I came for one summer, eight years ago. Now my children go to school here.")],
            },
        ],
        "paragraphs": [],
        "quotes": [("expert", "Both economies depend on that border staying open and predictable.")],
        "subheads": ["At the border", "Who comes and why"],
        "lists": [],
    },
    {
        "key": "disaster",
        "field": "world",
        "tags": ["{country_tag}", "Aid", "Natural disasters"],
        "angles": [
            {
                "headlines": [
                    "Earthquake in {country}: Meridia sends rescue team",
                    "Rescuers search rubble after earthquake in northern {country}",
                ],
                "deks": ["A team of {n_mid} rescuers and {n_small} dogs left Ardenport on {weekday} night."],
                "ledes": [
                    "Meridia has sent a team of {n_mid} rescuers to {country} after an earthquake struck the north "
                    "of the country early on {weekday}, destroying hundreds of buildings.",
                ],
                "paragraphs": [
                    "The team includes engineers, paramedics and search dogs, and carried {n_small2} tonnes of "
                    "equipment.",
                    "Meridians with relatives in the affected area have been queueing at the embassy for news.",
                ],
                "quotes": [("official", "Our team will stay for as long as they are needed.")],
            },
            {
                "headlines": [
                    "Floods in {country} leave thousands homeless",
                    "Aid flown in as floods cut off towns in {country}",
                ],
                "deks": ["Officials say at least {n_big} homes have been destroyed."],
                "ledes": [
                    "Floods have swept through eastern {country} after days of heavy rain, leaving thousands of "
                    "people homeless and cutting road links to {foreign_capital}.",
                ],
                "paragraphs": [
                    "Roads into the worst-hit towns remain blocked, and aid is being flown in by helicopter.",
                ],
                "quotes": [("resident", "I have not heard from my mother for three days. The phones are down.")],
            },
        ],
        "paragraphs": [
            "The government has pledged {amount} meridians in emergency aid, and charities in Ardenport have opened "
            "collection points.",
        ],
        "quotes": [],
        "subheads": ["How to help", "On the ground"],
        "lists": [
            (
                "Charities collecting in Ardenport are asking for:",
                ["Blankets and sleeping bags", "Tinned food", "Nappies and baby formula", "Cash donations"],
            ),
        ],
    },
    {
        "key": "foreign-protest",
        "field": "world",
        "tags": ["{country_tag}", "Protests"],
        "angles": [
            {
                "dateline": "{foreign_capital}",
                "headlines": [
                    "Thousands march in {foreign_capital} against pension changes",
                    "{country} protests enter {rank} week",
                ],
                "deks": ["Police estimated the crowd at {n_thousands}; organisers said it was three times that."],
                "ledes": [
                    "Thousands of people marched through {foreign_capital} on {weekday} against plans to raise the "
                    "retirement age, in the largest protest the city has seen in years.",
                ],
                "paragraphs": [
                    "The march was peaceful, although police used tear gas late in the evening after a small group "
                    "threw bottles near the parliament.",
                    "Unions say the reform would force manual workers to work {n_small2} years longer.",
                ],
                "quotes": [],
            },
            {
                "dateline": "{foreign_capital}",
                "headlines": [
                    "Government in {country} backs down after strikes",
                    "{country} drops fuel tax rise after week of strikes",
                ],
                "deks": ["Unions had called the largest strikes in a generation."],
                "ledes": [
                    "The government of {country} has withdrawn a plan to raise fuel taxes after a week of strikes "
                    "shut ports and railways.",
                ],
                "paragraphs": [
                    "Meridian companies with operations in {country} said deliveries had been delayed.",
                ],
                "quotes": [("foreign", "We have heard the message from the streets, and we will reflect on it.")],
            },
        ],
        "paragraphs": [
            "The government says reforms are unavoidable because the population is ageing fast.",
        ],
        "quotes": [("expert", "The government misjudged the public mood badly.")],
        "subheads": ["On the streets", "The reform"],
        "lists": [],
    },
]

SCIENCE = [
    {
        "key": "study",
        "field": "science",
        "tags": ["Research", "{research_field_cap}", "{institute_tag}"],
        "angles": [
            {
                "headlines": [
                    "Scientists in Meridia make progress on {research}",
                    "Study at {institute} offers hope on {research}",
                ],
                "deks": ["The results come from a {n_small}-year study of {n_thousands} samples."],
                "ledes": [
                    "Researchers at {institute} say they have made significant progress on {research}, in a study "
                    "published on {weekday}.",
                ],
                "paragraphs": [
                    "The team analysed {n_thousands} samples collected across {region}. Their results have been "
                    "reviewed by independent scientists.",
                ],
                "quotes": [
                    ("researcher", "We were surprised by the results, so we repeated the experiment three times.")
                ],
            },
            {
                "headlines": [
                    "Inside the lab working on {research}",
                    "Meet the {institute_short} team behind the work on {research}",
                ],
                "deks": ["Researchers caution that more work is needed before the findings can be used."],
                "ledes": [
                    "In a basement laboratory at {institute}, a team of {n_small} scientists has spent {n_small2} "
                    "years working on {research}. This week, they published their first results.",
                ],
                "paragraphs": [
                    "The lab runs around the clock; a rota on the door shows who checks the samples at three in the "
                    "morning.",
                ],
                "quotes": [
                    ("researcher", "Most days nothing works. Then one day something does, and you remember why.")
                ],
            },
        ],
        "paragraphs": [
            "The findings need to be confirmed in larger studies, the researchers said, and any practical use is "
            "probably {n_small2} years away.",
            "The work was funded by the National Research Council with a grant of {amount} meridians.",
        ],
        "quotes": [("expert", "It is an elegant piece of work. The next step is to see if it holds up at scale.")],
        "subheads": ["What they found", "What comes next"],
        "lists": [
            (
                "The study in numbers:",
                [
                    "{n_thousands} samples analysed",
                    "{n_small} years of work",
                    "{n_mid} researchers from {n_small2} institutions",
                ],
            ),
        ],
    },
    {
        "key": "health-service",
        "field": "health",
        "tags": ["Health", "Hospitals", "{town}"],
        "angles": [
            {
                "headlines": [
                    "Waiting times for operations fall in {region}",
                    "Year-long waits for surgery halved in {region}",
                ],
                "deks": ["The number of people waiting more than a year has fallen by {percent} per cent."],
                "ledes": [
                    "The number of patients waiting more than a year for an operation in {region} has fallen by "
                    "{percent} per cent, according to figures from the Ministry of Health.",
                ],
                "paragraphs": [
                    "The ministry credits extra weekend clinics and a new surgical centre in {town2}.",
                ],
                "quotes": [("minister", "Our plan is working, and waiting lists will keep falling.")],
            },
            {
                "headlines": [
                    "{town} hospital opens new cancer unit",
                    "No more long trips for radiotherapy as {town} unit opens",
                ],
                "deks": ["The unit will treat {n_thousands} patients a year who now travel to Ardenport."],
                "ledes": [
                    "A new cancer unit has opened at {town} general hospital, meaning patients will no longer need to "
                    "travel {n_mid} kilometres to Ardenport for radiotherapy.",
                ],
                "paragraphs": [
                    "The unit cost {amount} meridians, part of which was raised by local people through a campaign "
                    "that began in {year}.",
                ],
                "quotes": [
                    (
                        "resident",
                        "The drive to Ardenport every day for six weeks nearly broke us. This changes everything.",
                    )
                ],
            },
            {
                "headlines": [
                    "Doctors warn of winter pressure as flu cases rise",
                    "Flu cases double in a fortnight, health officials say",
                ],
                "deks": ["Hospitals are asking people over 65 to get vaccinated."],
                "ledes": [
                    "Flu cases have doubled in a fortnight, and hospitals in {region} are asking people over 65 to "
                    "get "
                    "vaccinated as soon as possible.",
                ],
                "paragraphs": [
                    "Pharmacies in {town} said vaccine stocks were good, and that appointments were available the "
                    "same day.",
                ],
                "quotes": [],
            },
        ],
        "paragraphs": [
            "Doctors’ leaders said staffing remained the biggest challenge, with {n_big} vacancies for nurses.",
        ],
        "quotes": [("expert", "These are real improvements, but the system is still running too hot.")],
        "subheads": ["The figures", "The staffing problem"],
        "lists": [],
    },
    {
        "key": "climate",
        "institute": "the University of Ardenport",
        "field": "science",
        "tags": ["Climate", "Environment", "{region}"],
        "angles": [
            {
                "headlines": [
                    "Meridia’s glaciers shrank by {percent} per cent in a decade, study finds",
                    "Ice loss in {region} faster than feared",
                ],
                "deks": ["Scientists say the pace of change has surprised them."],
                "ledes": [
                    "The glaciers of the northern highlands have lost {percent} per cent of their ice in ten years, "
                    "according to a study by the University of Ardenport, far faster than earlier forecasts.",
                ],
                "paragraphs": [
                    "The researchers used satellite images and measurements taken on foot by generations of mountain "
                    "guides.",
                ],
                "quotes": [("researcher", "We knew the ice was retreating. We did not expect it to be this fast.")],
            },
            {
                "headlines": [
                    "Sea level rise threatens {town}, report warns",
                    "Parts of {town} could be lost to the sea within a generation",
                ],
                "deks": ["The report says {n_thousands} homes on the coast are at risk of flooding by 2050."],
                "ledes": [
                    "Rising seas could make parts of {town} uninhabitable within a generation, a government report "
                    "published on {weekday} warns.",
                ],
                "paragraphs": [
                    "The report recommends building new sea defences and, in some places, helping communities to "
                    "move.",
                ],
                "quotes": [("official", "We take the report seriously and will respond in full.")],
            },
            {
                "headlines": [
                    "Meridia on course to miss {year_next} emissions target",
                    "Emissions fall, but not fast enough, climate council says",
                ],
                "deks": ["Emissions would need to fall three times as fast to meet the target."],
                "ledes": [
                    "Meridia is on course to miss its emissions target for {year_next}, the independent climate "
                    "council said on {weekday}, despite a fall of {percent_small} per cent last year.",
                ],
                "paragraphs": [
                    "The council said the government was moving too slowly on public transport and home insulation.",
                ],
                "quotes": [],
            },
        ],
        "paragraphs": [],
        "quotes": [("expert", "Every year we wait makes the job harder and more expensive.")],
        "subheads": ["The evidence", "What can be done"],
        "lists": [],
    },
    {
        "key": "wildlife",
        "institute": "the Meridian Marine Laboratory",
        "field": "science",
        "tags": ["Wildlife", "Nature", "{species_cap}"],
        "angles": [
            {
                "headlines": [
                    "The {species} returns to {region} after {n_mid} years",
                    "Camera trap confirms {species} is back in {region}",
                ],
                "deks": ["Conservationists credit cleaner water and a ban on hunting."],
                "ledes": [
                    "The {species} has been seen in {region} for the first time in {n_mid} years, in what "
                    "conservationists call a sign that years of work to clean up the rivers is paying off.",
                ],
                "paragraphs": [
                    "The sighting was confirmed by a camera trap set up by the Meridian Marine Laboratory near "
                    "{town}.",
                    "Anyone who sees one is asked to report it, with a photograph if possible.",
                ],
                "quotes": [("researcher", "When we saw the footage, there was a lot of shouting in the office.")],
            },
            {
                "headlines": [
                    "Volunteers count fewer {species_plural} than ever in annual survey",
                    "Why the {species} is vanishing from Meridia",
                ],
                "deks": ["The survey found numbers down {percent} per cent since the last count."],
                "ledes": [
                    "Volunteers spent a weekend counting {species_plural} around {town}, and found fewer than at any "
                    "time since records began.",
                ],
                "paragraphs": [
                    "Conservationists want a larger protected area and limits on building near the shore.",
                ],
                "quotes": [("resident", "I have walked this shore every morning for forty years. It is quieter now.")],
            },
        ],
        "paragraphs": [
            "The population collapsed in the 1980s, when pollution from factories upstream poisoned the river.",
        ],
        "quotes": [("expert", "Recovery is fragile. One bad pollution incident could undo it.")],
        "subheads": ["How it came back", "How to help"],
        "lists": [],
    },
    {
        "key": "space-tech",
        "institute": "the Halvik Institute of Technology",
        "field": "science",
        "tags": ["Technology", "Space", "Halvik Institute of Technology"],
        "angles": [
            {
                "headlines": [
                    "Meridia’s first satellite to launch in {year_next}",
                    "Students in Halvik build weather satellite",
                ],
                "deks": ["The satellite, the size of a shoebox, will monitor crops and floods."],
                "ledes": [
                    "A satellite built by students at the Halvik Institute of Technology will be launched in "
                    "{year_next}, making it the "
                    "first Meridian-made spacecraft to reach orbit.",
                ],
                "paragraphs": [
                    "The project cost {amount} meridians, much of it raised from companies in {district}.",
                    "The satellite will carry a camera that can see crops ripening and rivers flooding.",
                ],
                "quotes": [
                    (
                        "researcher",
                        "We built most of it on a kitchen table. It is a bit nerve-racking to think it will fly.",
                    )
                ],
            },
            {
                "institute": "the National Observatory",
                "headlines": [
                    "National Observatory spots comet visible from Ardenport",
                    "How to see the comet over Ardenport this week",
                ],
                "deks": ["It should be visible to the naked eye for about {n_small2} nights."],
                "ledes": [
                    "A comet will be visible in the night sky over Ardenport from {weekday}, astronomers at the "
                    "National Observatory say.",
                ],
                "paragraphs": [
                    "The best time to look is an hour after sunset, towards the western horizon, away from street "
                    "lights.",
                    "Astronomers say the comet last passed close to the Sun thousands of years ago.",
                ],
                "quotes": [],
            },
        ],
        "paragraphs": [],
        "quotes": [
            ("expert", "Small satellites and good telescopes have made space affordable for countries like ours.")
        ],
        "subheads": ["How to see it", "The mission"],
        "lists": [],
    },
]

CULTURE = [
    {
        "key": "review",
        "field": "culture",
        "tags": ["Reviews", "{art_form_cap}", "{artist_tag}"],
        "angles": [
            {
                "headlines": [
                    "{work} review: {artist} at the height of their powers",
                    "{work} review – ambitious, uneven and impossible to forget",
                ],
                "deks": ["A {art_form} about memory and the sea that rewards patience."],
                "ledes": [
                    "There is a moment, about halfway through {work}, when the room goes completely still. It is the "
                    "kind of moment {artist} has been building towards for years.",
                ],
                "paragraphs": [
                    "Not everything works. The second half drags, and one subplot about a lost inheritance is never "
                    "resolved.",
                ],
                "quotes": [],
            },
            {
                "headlines": [
                    "{work}, {venue_short}: a quiet triumph",
                    "{artist}’s {work} is the best thing they have made",
                ],
                "deks": ["The new {art_form} from {artist} opens at {venue} this week."],
                "ledes": [
                    "{artist}’s new {art_form}, {work}, is set in a small town on the Saltmarsh coast over one long "
                    "winter, and it is the best thing they have made.",
                ],
                "paragraphs": [
                    "The images stay with you: lamps on the water, a brass band in the rain, a kitchen full of steam.",
                ],
                "quotes": [
                    ("artist", "I wanted to make something about the places people leave, and the people who stay.")
                ],
            },
        ],
        "paragraphs": [
            "The story follows a ferry pilot who returns to {town} after {n_mid} years away and finds the harbour "
            "empty and her family divided.",
            "{work} runs at {venue} until the end of the month. Tickets start at {n_mid} meridians.",
        ],
        "quotes": [],
        "subheads": ["The verdict"],
        "lists": [],
    },
    {
        "key": "festival",
        "field": "culture",
        "tags": ["Festivals", "{festival_tag}", "Ardenport"],
        "angles": [
            {
                "headlines": [
                    "{festival_cap} announces programme with {n_mid} premieres",
                    "What to see at {festival} this year",
                ],
                "deks": ["Organisers expect {n_thousands} visitors over {n_small} days."],
                "ledes": [
                    "{festival_cap} has announced its programme, with {n_mid} premieres and a new outdoor stage in "
                    "{district}.",
                ],
                "paragraphs": [
                    "Highlights include a new work by {artist} and a late-night series in a disused tram depot.",
                    "Ticket prices have been frozen, and {n_big} free tickets are reserved for students and "
                    "pensioners.",
                ],
                "quotes": [("official", "The festival has become one of the reasons people visit the city.")],
                "lists": [
                    (
                        "Five things not to miss:",
                        [
                            "{artist} on the harbour stage",
                            "The late-night screenings at the tram depot",
                            "A children’s opera about a lost ferry",
                            "Free lunchtime concerts in {district}",
                            "The closing parade along {street}",
                        ],
                    ),
                ],
            },
            {
                "headlines": [
                    "Record crowds at {festival}",
                    "{festival_cap} draws {n_thousands} despite the rain",
                ],
                "deks": ["Local hotels and restaurants reported their busiest week of the year."],
                "ledes": [
                    "More than {n_thousands} people attended {festival} this year, a record, despite rain on the "
                    "opening weekend.",
                ],
                "paragraphs": [
                    "The closing night, headlined by {artist}, ended with fireworks over the harbour.",
                ],
                "quotes": [("artist", "There is no audience like an Ardenport audience. They let you know.")],
            },
        ],
        "paragraphs": [
            "The festival receives {amount} meridians from the Ministry of Culture and relies on private sponsors for "
            "the rest.",
        ],
        "quotes": [],
        "subheads": ["Highlights", "Tickets"],
        "lists": [],
    },
    {
        "key": "museum",
        "field": "culture",
        "tags": ["Museums", "Art", "{venue_tag}"],
        "angles": [
            {
                "headlines": [
                    "{venue_cap} reopens after {n_small}-year restoration",
                    "Hidden murals revealed as {venue_short} reopens",
                ],
                "deks": ["The restoration cost {amount} meridians and uncovered murals hidden for a century."],
                "ledes": [
                    "{venue_cap} has reopened after a {n_small}-year restoration that uncovered murals hidden behind "
                    "plaster for more than a century.",
                ],
                "paragraphs": [
                    "Visitors queued around the block on the first morning. Entry is free until the end of the month.",
                    "The building’s new galleries are step-free, and a café now opens on to the garden.",
                ],
                "quotes": [
                    ("official", "This building belongs to everyone in Ardenport, and now everyone can get in.")
                ],
            },
            {
                "headlines": [
                    "Lost painting found in {town} attic goes on show",
                    "The {town} attic that held a lost masterpiece",
                ],
                "deks": ["Experts believe the painting was sold in the 1920s and had been missing ever since."],
                "ledes": [
                    "A painting found in an attic in {town} and bought for the price of a bicycle has been identified "
                    "as a lost work by one of Meridia’s best-known artists. It goes on show at {venue} this week.",
                ],
                "paragraphs": [
                    "Conservators spent {n_big} days cleaning the canvas, revealing colours that had been hidden "
                    "under "
                    "layers of varnish.",
                ],
                "quotes": [("expert", "When the varnish came off, we knew. You do not forget that blue.")],
            },
        ],
        "paragraphs": [],
        "quotes": [],
        "subheads": ["The discovery", "Visiting"],
        "lists": [],
    },
    {
        "key": "books",
        "field": "culture",
        "tags": ["Books", "{artist_tag}"],
        "angles": [
            {
                "headlines": [
                    "{artist} wins Meridian Book Prize for {work}",
                    "{work} takes the Meridian Book Prize",
                ],
                "deks": ["The judges called it “a novel that makes a small place feel enormous”."],
                "ledes": [
                    "{artist} has won the Meridian Book Prize for {work}, a novel set over a single winter on the "
                    "Saltmarsh coast.",
                ],
                "paragraphs": [
                    "The prize, worth {n_thousands} meridians, was announced at a ceremony at {venue} on {weekday} "
                    "night.",
                    "The judges read {n_big} books, a record number of entries. Translation rights have already been "
                    "sold in {n_small} countries.",
                ],
                "quotes": [("artist", "I wrote most of it on the night ferry. It seems right that it ends up here.")],
                "lists": [
                    (
                        "The shortlist:",
                        [
                            "{work} by {artist}",
                            "Letters from Şəfəq by Teymur Rzayev",
                            "Small Hours by Hanna Wieck",
                            "Nine Bridges by Julian Ashe",
                        ],
                    ),
                ],
            },
            {
                "headlines": [
                    "Independent bookshops are booming in {district}. Here is why",
                    "{district} now has three bookshops, and all of them are hiring",
                ],
                "deks": ["Sales of printed books rose {percent} per cent last year."],
                "ledes": [
                    "Five years ago, {district} had no bookshop. Now it has three, and all of them are hiring.",
                ],
                "paragraphs": [
                    "Booksellers say readers want recommendations from a person, not an algorithm.",
                    "One shop on {street} holds a reading every {weekday} evening; the last one was standing room "
                    "only.",
                ],
                "quotes": [("resident", "I come in for one book and leave with four. My partner has given up.")],
            },
        ],
        "paragraphs": [],
        "quotes": [],
        "subheads": ["The winner", "The shortlist", "On the shelves"],
        "lists": [],
    },
    {
        "key": "music",
        "field": "culture",
        "tags": ["Music", "{artist_tag}", "Concerts"],
        "angles": [
            {
                "headlines": [
                    "{artist} to play {n_small2} nights at {venue_short}",
                    "{artist} concerts sell out in {n_mid} minutes",
                ],
                "deks": ["Fans queued overnight for tickets."],
                "ledes": [
                    "{artist} will play {n_small2} nights at {venue} in the spring, their first concerts in the city "
                    "for {n_small} years.",
                ],
                "paragraphs": [
                    "Resale prices reached {n_big} meridians within an hour of tickets going on sale.",
                    "A live recording of the final night will be broadcast on national radio.",
                ],
                "quotes": [("artist", "Ardenport is where we played our first gig, in a bar that is now a bank.")],
            },
            {
                "headlines": [
                    "{artist}’s new album is a love letter to {town}",
                    "Review: {artist} goes home on {work}",
                ],
                "deks": ["Recorded in a church in {town}, you can hear the rain on the roof."],
                "ledes": [
                    "{artist}’s new album, {work}, was recorded in a church in {town}, and you can hear the rain on "
                    "the roof.",
                ],
                "paragraphs": [
                    "The album mixes old folk songs from {region} with electronics, and features a children’s choir.",
                ],
                "quotes": [("artist", "I wanted the record to sound like the town: a bit weathered, a bit stubborn.")],
            },
        ],
        "paragraphs": [],
        "quotes": [],
        "subheads": ["The album", "On tour"],
        "lists": [],
    },
]

SPORT = [
    {
        "key": "football-match",
        "field": "sport",
        "tags": ["Football", "{club_tag}", "{competition_tag}"],
        "angles": [
            {
                "headlines": [
                    "{club} {goals_w}–{goals_l} {club2}: late {player} goal settles it",
                    "{club} go top after {goals_w}–{goals_l} win over {club2}",
                    "{player} strikes late as {club} beat {club2}",
                ],
                "deks": ["The win moves {club} {n_small2} points clear with {n_small} games to play."],
                "ledes": [
                    "{player} scored in the {minute}th minute as {club} beat {club2} {goals_w}–{goals_l} in front of "
                    "{n_thousands} fans on {weekday}.",
                ],
                "paragraphs": [
                    "{club2} started brightly and hit the post in the {minute2}th minute, but faded after the break.",
                    "The home side’s pressing forced mistakes all afternoon, and {player2} was outstanding in "
                    "midfield.",
                ],
                "quotes": [("player", "I have dreamt about scoring in a game like this since I was a boy.")],
            },
            {
                "headlines": [
                    "Ten-man {club2} beaten by {club}",
                    "Red card costs {club2} as {club} win {goals_w}–{goals_l}",
                ],
                "deks": ["{club2} had a man sent off before half-time."],
                "ledes": [
                    "{club} beat ten-man {club2} {goals_w}–{goals_l} on {weekday} after the visitors’ captain was "
                    "sent "
                    "off in the {minute2}th minute.",
                ],
                "paragraphs": [
                    "The defender was shown a second yellow card for a late tackle, and his side never recovered.",
                ],
                "quotes": [],
            },
        ],
        "paragraphs": [
            "{club} travel to {town} next {weekday}; {club2} host the league leaders a week later.",
        ],
        "quotes": [("coach", "We were patient, we kept the ball, and in the end quality told.")],
        "subheads": ["How the goals came", "What it means"],
        "lists": [],
    },
    {
        "key": "basketball",
        "field": "sport",
        "tags": ["Basketball", "{bclub_tag}"],
        "angles": [
            {
                "headlines": [
                    "{bclub} edge {bclub2} {points_w}–{points_l} in overtime thriller",
                    "{player} wins it for {bclub} at the buzzer",
                ],
                "deks": ["{player} scored {n_points} points, including the winning three-pointer."],
                "ledes": [
                    "{bclub} beat {bclub2} {points_w}–{points_l} after overtime on {weekday}, with {player} scoring "
                    "the decisive basket with {n_small2} seconds left.",
                ],
                "paragraphs": [
                    "{bclub2} led by {n_small} points at half-time but could not hold on.",
                ],
                "quotes": [("player", "I wanted the ball at the end. That is the shot you practise for.")],
            },
            {
                "headlines": [
                    "{bclub} reach play-off final",
                    "{bclub} sweep {bclub2} to reach the final",
                ],
                "deks": ["The final series starts on {weekday} at the Harbour Arena."],
                "ledes": [
                    "{bclub} are through to the play-off final after sweeping {bclub2} in three games.",
                ],
                "paragraphs": [
                    "Tickets for the final go on sale on {weekday} morning.",
                ],
                "quotes": [],
            },
        ],
        "paragraphs": [
            "The Harbour Arena was sold out, and the noise in the final minutes was deafening.",
        ],
        "quotes": [("coach", "We never stopped believing. That is this team.")],
        "subheads": ["The finish"],
        "lists": [],
    },
    {
        "key": "athletics",
        "field": "sport",
        "tags": ["Athletics", "{athlete_tag}"],
        "angles": [
            {
                "headlines": [
                    "{athlete} breaks national 1500m record",
                    "Record for {athlete} as she knocks {n_small2} seconds off 1500m mark",
                ],
                "deks": ["The {age}-year-old broke a record that had stood since {year}."],
                "ledes": [
                    "{athlete} broke the national 1500m record on {weekday}, running a time that would have won a "
                    "medal at the last world championships.",
                ],
                "paragraphs": [
                    "She took the lead with {hundreds} metres to go and was never caught.",
                    "Her coach said the target now was the world championships next summer.",
                ],
                "quotes": [("athlete", "I felt good from the gun. I did not look at the clock until the end.")],
            },
            {
                "headlines": [
                    "Ardenport marathon: record field of {n_thousands} runners",
                    "Thousands run from Castle Hill to the Old Harbour",
                ],
                "deks": ["Organisers say the race raised {amount} meridians for charity."],
                "ledes": [
                    "A record {n_thousands} runners took part in the Ardenport marathon on {weekday}, running a "
                    "course "
                    "from Castle Hill to the Old Harbour.",
                ],
                "paragraphs": [
                    "The race was won in a course record; the first Meridian, {athlete}, finished {rank}.",
                    "Thousands of spectators lined the route, and bands played on street corners.",
                ],
                "quotes": [("athlete", "The crowd on the last hill carried me. I could not feel my legs.")],
            },
        ],
        "paragraphs": [],
        "quotes": [("coach", "She has worked for this for ten years. Today it all came together.")],
        "subheads": ["The race", "What is next"],
        "lists": [],
    },
    {
        "key": "club-news",
        "field": "sport",
        "tags": ["Football", "{club_tag}"],
        "angles": [
            {
                "headlines": [
                    "{club} sack manager after {n_small} straight defeats",
                    "{club} part company with manager",
                ],
                "deks": ["The club sits {rank} in the table."],
                "ledes": [
                    "{club} have sacked their manager after a run of {n_small} defeats left the club {rank} in the "
                    "table.",
                ],
                "paragraphs": [
                    "Fans had chanted against the board at the last home game, and attendances have fallen by "
                    "{percent} per cent.",
                ],
                "quotes": [("official", "We thank him for his work and wish him well.")],
            },
            {
                "headlines": [
                    "{club} appoint {coach} as head coach",
                    "{coach} takes charge at {club}",
                ],
                "deks": ["{coach} won the title with {club2} and is known for a pressing style."],
                "ledes": [
                    "{club} have appointed {coach} as head coach on a three-year contract.",
                ],
                "paragraphs": [
                    "{coach} won the title with {club2} {n_small2} years ago.",
                ],
                "quotes": [
                    ("coach", "This is a club with a great history. We want to give the fans something to sing about.")
                ],
            },
            {
                "headlines": [
                    "{club} sign {player} for club-record fee",
                    "{player} joins {club} from {club2}",
                ],
                "deks": ["The fee is reported to be {amount} meridians."],
                "ledes": [
                    "{club} have signed {player} from {club2} for a fee reported to be a club record.",
                ],
                "paragraphs": [
                    "The new signing could make his debut on {weekday}.",
                ],
                "quotes": [("player", "When I heard {club} wanted me, I did not need to think about it.")],
            },
        ],
        "paragraphs": [],
        "quotes": [],
        "subheads": ["Why now", "What next"],
        "lists": [],
    },
    {
        "key": "rowing",
        "field": "sport",
        "tags": ["Rowing", "{town}"],
        "angles": [
            {
                "headlines": [
                    "Riverside Rowing Club wins {rank} Harbour Regatta in a row",
                    "Riverside make it {rank} straight Harbour Regatta wins",
                ],
                "deks": ["The race, first rowed in 1891, is the oldest sporting event in Meridia."],
                "ledes": [
                    "Riverside Rowing Club won the Harbour Regatta for the {rank} year in a row on {weekday}, "
                    "finishing {n_small2} lengths clear in choppy water.",
                ],
                "paragraphs": [
                    "Conditions were difficult, with a strong wind against the tide for the final kilometre.",
                ],
                "quotes": [("rower", "It hurt from the first stroke. That is rowing.")],
            },
            {
                "headlines": [
                    "{town} crew takes national eights title",
                    "Title for {town} as crew ends capital’s run",
                ],
                "deks": ["It is the first time since {year} that a crew from outside the capital has won."],
                "ledes": [
                    "A crew from {town} has won the national eights title, the first time a club from outside the "
                    "capital has done so since {year}.",
                ],
                "paragraphs": [
                    "The club trains at six every morning, before most members go to work.",
                ],
                "quotes": [("coach", "They are a remarkable group. Most of them learned to row at school here.")],
            },
        ],
        "paragraphs": [
            "Spectators crowded the bridges and banks, many with picnics.",
        ],
        "quotes": [],
        "subheads": ["The race"],
        "lists": [],
    },
]

OPINION = [
    {
        "key": "column-city",
        "field": "policy",
        "tags": ["Ardenport", "Cities", "{district}"],
        "angles": [
            {
                "headlines": [
                    "Ardenport’s trams deserve better than another consultation",
                    "Stop asking us about {project}. Build it",
                ],
                "deks": ["Every year we study the problem. Every year the problem gets worse."],
                "ledes": [
                    "I have lived in {district} for {n_mid} years, and in that time the city has asked me what I "
                    "think about its transport plans at least {n_small} times. It has built almost none of them.",
                ],
                "paragraphs": [
                    "The problem is not a lack of ideas. Ardenport has drawers full of plans, many of them good. The "
                    "problem is a lack of will to see them through.",
                ],
                "quotes": [("resident", "We do not need another survey. We need a bus that turns up.")],
            },
            {
                "headlines": [
                    "What {district} can teach the rest of the city",
                    "Our streets belong to people, not parked cars",
                ],
                "deks": ["The answer is not more money. It is more nerve."],
                "ledes": [
                    "Walk down {street} on a weekday morning and you will see what this city could be: children on "
                    "bikes, a market setting up, old men arguing outside a café.",
                ],
                "paragraphs": [
                    "It did not happen by accident. Residents fought for years to close the street to through "
                    "traffic, and were told at every stage that it would never work.",
                ],
                "quotes": [],
            },
        ],
        "paragraphs": [
            "Other cities our size have shown what is possible. In {foreign_capital}, a tram line that was mocked as "
            "a folly now carries more people than the roads it replaced.",
            "Yes, change is uncomfortable. Shopkeepers worry about deliveries; drivers worry about parking. Those "
            "worries deserve answers, not endless delay.",
            "The next mayor, whoever it is, should promise fewer consultations and more ribbons cut.",
        ],
        "quotes": [],
        "subheads": ["The plans in the drawer", "What we should do"],
        "lists": [],
    },
    {
        "key": "column-politics",
        "field": "policy",
        "tags": ["Politics", "{party_tag}", "Government"],
        "angles": [
            {
                "headlines": [
                    "The government has run out of ideas. The opposition has not found any",
                    "Politicians should stop promising what they cannot deliver",
                ],
                "deks": ["Voters can tell the difference between a plan and a slogan."],
                "ledes": [
                    "Every government reaches a moment when it stops governing and starts surviving. This one "
                    "reached it some time last spring.",
                ],
                "paragraphs": [
                    "The evidence is everywhere: bills announced and quietly dropped, reviews commissioned to avoid "
                    "decisions, ministers reshuffled before they learn their briefs.",
                    "None of this would matter so much if the opposition offered a clear alternative. It does not.",
                ],
                "quotes": [],
            },
            {
                "headlines": [
                    "{party_cap} needs to decide what it is for",
                    "What is {party} actually for?",
                ],
                "deks": ["The next election will be won by whoever tells the truth about money."],
                "ledes": [
                    "{party_cap} has spent {n_small} years telling voters what it is against. It is time it told "
                    "them what it is for.",
                ],
                "paragraphs": [
                    "Its leaders are capable and its members are loyal. But loyalty to what, exactly?",
                ],
                "quotes": [],
            },
        ],
        "paragraphs": [
            "Meridia faces real choices about taxes, pensions and public services. Pretending otherwise insults "
            "voters.",
            "A little honesty would go a long way. Voters are not children, and they notice when they are treated "
            "like them.",
        ],
        "quotes": [],
        "subheads": ["The drift", "What voters want"],
        "lists": [],
    },
    {
        "key": "column-life",
        "field": "policy",
        "tags": ["Society", "Family"],
        "angles": [
            {
                "headlines": ["In praise of the public library", "Keep the library on {street} open"],
                "deks": ["The most democratic building in any town is also the most neglected."],
                "ledes": [
                    "The library on {street} is warm, quiet and free, and on a winter afternoon it is full: "
                    "students, pensioners, a man reading every newspaper, a toddler asleep on a beanbag.",
                ],
                "paragraphs": [
                    "Libraries have lost {percent} per cent of their funding over the past decade, and opening hours "
                    "have shrunk with it.",
                    "We do not need a national strategy. We need to open the doors, turn the lights on, and let "
                    "people in.",
                ],
                "quotes": [("resident", "It is the only place I can go where nobody expects me to buy anything.")],
            },
            {
                "headlines": ["Why I gave up my smartphone for a month", "A month without a phone taught me this"],
                "deks": ["I expected to feel lost. I felt free."],
                "ledes": [
                    "For a month I left my phone in a drawer. I got lost twice, missed one birthday, and read "
                    "{n_small} books.",
                ],
                "paragraphs": [
                    "What surprised me most was how much time I had. Evenings stretched. Conversations did not stop "
                    "every time something buzzed.",
                    "I am not telling anyone to throw their phone in the harbour. But try a week. See what you "
                    "notice.",
                ],
                "quotes": [],
            },
            {
                "headlines": [
                    "Our children need more time outdoors, not more homework",
                    "Let children be bored, and send them outside",
                ],
                "deks": ["Homework at seven in the evening is not the answer to anything."],
                "ledes": [
                    "Teachers tell me children arrive at school tired and anxious. We keep giving them more to do, "
                    "and then wonder why.",
                ],
                "paragraphs": [
                    "The parks of {district} are empty after school. A generation ago they were full.",
                ],
                "quotes": [],
            },
        ],
        "paragraphs": [],
        "quotes": [],
        "subheads": ["What we lose", "What we could gain"],
        "lists": [],
    },
    {
        "key": "editorial",
        "field": "policy",
        "tags": ["Editorial"],
        "angles": [
            {
                "headlines": [
                    "The Ledger view: the {portfolio} ministry must come clean",
                    "The Ledger view: public money demands public answers",
                ],
                "deks": ["A full, independent review is the least that is required."],
                "ledes": [
                    "The questions about the {portfolio} ministry’s contracts are not going away, and they should "
                    "not.",
                ],
                "paragraphs": [
                    "The public is entitled to know how decisions worth {amount} meridians were made, by whom and "
                    "why.",
                    "The ministry’s answers so far have been evasive.",
                ],
                "quotes": [],
            },
            {
                "headlines": [
                    "The Ledger view: {bill} is flawed but necessary",
                    "The Ledger view: fix {bill}, do not scrap it",
                ],
                "deks": ["Reform is overdue. This bill needs fixing, not scrapping."],
                "ledes": [
                    "{bill_cap} is not the bill we would have written. It is, however, better than doing nothing.",
                ],
                "paragraphs": [
                    "The bill should be amended to include a sunset clause and proper scrutiny by the Assembly.",
                ],
                "quotes": [],
            },
        ],
        "paragraphs": ["We have supported this government on many things. On this, it must do better."],
        "quotes": [],
        "subheads": ["What we know"],
        "lists": [],
    },
    {
        "key": "column-sport",
        "field": "sport",
        "tags": ["Football", "{club_tag}"],
        "angles": [
            {
                "headlines": [
                    "Football has priced out the fans who built it",
                    "A season ticket should not cost a week’s wages",
                ],
                "deks": ["Clubs say they need the money to compete. Compete for what, if the stands are empty?"],
                "ledes": [
                    "My grandfather took me to my first {club} match when I was six. The ticket cost less than a "
                    "sandwich. Today it would cost {n_mid} meridians.",
                ],
                "paragraphs": [
                    "The fans are not customers. They are the reason the club exists, and they were there long before "
                    "the sponsors.",
                ],
                "quotes": [("resident", "I have had a season ticket for forty years. This is the last one.")],
            },
            {
                "headlines": ["{club} are a club that has forgotten its town", "What has gone wrong at {club}?"],
                "deks": ["The empty seats tell you what."],
                "ledes": ["Something has gone wrong at {club}, and the empty seats tell you what."],
                "paragraphs": [
                    "The academy that produced half the title-winning side of the 1990s has been cut back to save "
                    "money.",
                ],
                "quotes": [],
            },
        ],
        "paragraphs": [
            "There are models that work. In {country}, clubs must be majority-owned by members, and tickets are "
            "cheap.",
            "It is not too late. But it will be soon.",
        ],
        "quotes": [],
        "subheads": ["What has gone wrong"],
        "lists": [],
    },
]

KINDS = {
    "news": NEWS,
    "politics": POLITICS,
    "business": BUSINESS,
    "world": WORLD,
    "science": SCIENCE,
    "culture": CULTURE,
    "sport": SPORT,
    "opinion": OPINION,
}

# How often each section is picked: a newsroom publishes more news than culture.
SECTION_WEIGHTS = {
    "news": 24,
    "politics": 15,
    "business": 14,
    "world": 13,
    "science": 8,
    "culture": 9,
    "sport": 12,
    "opinion": 5,
}

# Shared closing paragraphs, by section.
CLOSERS = {
    "news": [
        "A public meeting is planned for {weekday} evening at the {district_short} community centre.",
        "Readers with information about this story can contact the news desk.",
        "The Ledger asked city hall for further comment but had not received a reply by the time of publication.",
    ],
    "politics": [
        "The Assembly returns from its recess on {weekday}.",
        "A spokesperson for the Prime Minister’s office declined to comment further.",
    ],
    "business": [
        "The figures will be discussed at the Central Bank’s next meeting.",
        "The Ledger’s business desk will follow the story through the week.",
    ],
    "world": [
        "Meridia’s Foreign Ministry said it was following events closely.",
        "Meridians in {country} who need help can contact the embassy in {foreign_capital}.",
    ],
    "science": [
        "The research is published in the Meridian Journal of Science.",
        "Readers with questions about this story can write to the science desk.",
    ],
    "culture": [
        "Tickets are available from the box office and online.",
        "Under-18s and students get in free on weekday afternoons.",
    ],
    "sport": [
        "Full results and tables are on the Sport pages.",
        "Tickets for the next home game are on sale now.",
    ],
    "opinion": [
        "Letters in reply are welcome; the best will be published on Saturday.",
    ],
}
