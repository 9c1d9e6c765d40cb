"""The general reading rules added in the second round of issue 15 (docs/pay-strings.md), each on
strings written for the rule (not the real labelled set, whose holdout half stays unread)."""

from __future__ import annotations

import pytest

from collectors.pay import parse_pay

Expected = tuple[float | None, float | None, str | None, str]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A rate word earlier in the amount's clause gives the unit.
        ("The average monthly salary is estimated to be around PHP 18,000 ($350).", (18000, 18000, "PHP", "month")),
        ("o valor médio bruto por hora trabalhada é de R$ 23", (23, 23, "BRL", "hour")),
        ("Payment for a 15-minute website test is $10", (10, 10, None, "task")),
        ("y que por entrega le pagan 28 pesos", (28, 28, None, "task")),
        # ...but not a time commitment, a payment schedule or a bonus.
        ("Para una jornada de 40 horas por semana, la renta varía entre R$ 1.980 y R$ 3.039",
         (1980, 3039, "BRL", "unknown")),
        ("Monthly Bonus of $5 for every 3 hours completed.", (5, 5, None, "once")),
        # Units and connectors in more languages.
        ("obično iznosi oko 15 USD na sat", (15, 15, "USD", "hour")),
        ("становить близько $ 15 за годину", (15, 15, None, "hour")),
        ("guadagnano $ 28.000 all'anno o $ 13,46 l'ora", (28000, 28000, None, "year")),
        ("vanligvis rundt $ 15 i timen", (15, 15, None, "hour")),
        ("verdienen $ 28.000 per jaar, of $ 13.46 per uur", (28000, 28000, None, "year")),
        ("pourrait toucher jusqu'à 60 000 livres par an", (None, 60000, "GBP", "year")),
        ("un salaire de 1 800 euros nets par mois", (1800, 1800, "EUR", "month")),
        ("Rp 5.000.000 per bulan", (5000000, 5000000, "IDR", "month")),
        ("gaji Rp 4,5 juta per bulan", (4500000, 4500000, "IDR", "month")),
        ("₹15,000 प्रति माह", (15000, 15000, "INR", "month")),
        ("KSh 1,000 kwa siku", (1000, 1000, "KES", "day")),
        ("RM 2,000 sebulan", (2000, 2000, "MYR", "month")),
        ("NT$200/小時", (200, 200, "TWD", "hour")),
        ("300 грн в день", (300, 300, "UAH", "day")),
        ("от 1000 руб. за задание", (1000, None, "RUB", "task")),
        ("fino a 15 euro l'ora", (None, 15, "EUR", "hour")),
        # Arabic: a range joined by "و", bounds, the dollar word, Arabic-Indic digits.
        ("يتقاضون أجرا يتراوح بين 100 و125 دولارًا في الساعة", (100, 125, None, "hour")),
        ("أجورًا تصل إلى ١٠٠٠ دولار في الساعة", (None, 1000, None, "hour")),
        # Number words: "mil" is a thousand in Spanish and Portuguese text only.
        ("el salario promedio es de 7 mil 380 pesos al mes", (7380, 7380, None, "month")),
        ("las repartidoras ganan 2 mil 085 pesos por semana", (2085, 2085, None, "week")),
        ("Доход: 70 тыс. руб. в месяц", (70000, 70000, "RUB", "month")),
        ("bahkan mencapai US$200 ribu per tahun", (200000, 200000, "USD", "year")),
        # "per N units" divides.
        ("I also often see offers of $3 per 1,000 words.", (0.003, 0.003, None, "item")),
        ("pagar 0,5 dólares para cada 1000 captchas resolvidos", (0.0005, 0.0005, None, "task")),
        ("$10 to $12 per 100 source words", (0.1, 0.12, None, "item")),
        # Currency forms.
        ("Pay: 20 usd/hr", (20, 20, "USD", "hour")),
        ("unskilled workers will earn Kes.7,997 per month", (7997, 7997, "KES", "month")),
        ("ganharam mais de U$ 7 em um dia", (7, None, "USD", "day")),
        ("serait de 74 943 dollars singapouriens par an", (74943, 74943, "SGD", "year")),
        ("GH₵ 2,000 monthly", (2000, 2000, "GHS", "month")),
        # The nearest bound word wins; ranges spread over a sentence; the pay now wins a tie.
        ("puede llegar a pagar hasta más de 1000 dólares al mes", (1000, None, None, "month")),
        ("Rates start at $20/hr and can go up to $50/hr.", (20, 50, None, "hour")),
        ("ganaba mil 500 pesos semanales, y ahora obtiene 500 pesos al día", (500, 500, None, "day")),
        ("Short test (5-7 minutes) $4 USD", (4, 4, "USD", "task")),
        ("Receive 50 cents for each correct answer", (0.5, 0.5, None, "task")),
        ("Tasks pay between 10 and 50 cents each.", (0.1, 0.5, None, "task")),
        # A count of minutes describes the piece of work, it does not divide.
        ("£2.25 for a 15 minute study", (2.25, 2.25, "GBP", "task")),
        # A parenthetical in the same currency is a second rate, not a conversion: the one with a unit wins.
        ("Reward: £2.25 (£9.00/hr)", (9, 9, "GBP", "hour")),
        ("A task payment may start from $.01 or higher", (0.01, None, None, "task")),
        # A list of bare numbers up to one with its currency is a range from the first to the last.
        ("Paid 2, 3 or 4 dollars per task", (2, 4, None, "task")),
        ("1, 2 ou 3 euros par tâche", (1, 3, "EUR", "task")),
    ],
)
def test_general_rules(text: str, expected: Expected) -> None:
    pay = parse_pay(text)
    assert pay is not None, text
    assert (pay.min, pay.max, pay.currency, pay.unit) == pytest.approx(expected), text


@pytest.mark.parametrize(
    "text",
    [
        "If you need to buy an external microphone, even the cheapest ones selling for around $2 will work.",
        "There goes my side hustle with my $45 balance.",
        "Cost Per Annotation: Charges range from $0.015 to $0.08 per annotation.",
        "Remotasks only paid her 30 cents for four hours of work.",
        "He received $12 for working on a project for three workdays.",
        "Pro plan: $9.99 per month",
        "Annual membership: $99",
        "Rent is $800 a month.",
        "Loan of $500 at 5% interest",
        "Mercor raised $5 mil in funding",
        "Receiving his first paycheck, a notable sum of Ksh40,000, was a turning point.",
        # Prices in other languages.
        "La suscripción cuesta 20 dólares al mes",
        "Das Abo kostet 9,99 € pro Monat",
        "Подписка стоит 500 руб. в месяц",
        "Harga Rp 50.000 per bulan",
    ],
)
def test_not_pay(text: str) -> None:
    assert parse_pay(text) is None, text


def test_a_negated_unit_is_not_the_unit() -> None:
    pay = parse_pay("you are paid a set amount (e.g. $0.30) instead of per hour")
    assert pay is not None and pay.unit != "hour"


def test_direct_deposit_is_a_way_of_paying_not_a_deposit() -> None:
    pay = parse_pay("They pay between $14 and $18 by check or direct deposit every month.")
    assert pay is not None and (pay.min, pay.max) == (14, 18)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Third round: dollars, hours and thousands in more languages (strings written for the rule).
        ("paprastai apie 20 dolerių per valandą", (20, 20, None, "hour")),
        ("oko 12 dolara po satu", (12, 12, None, "hour")),
        ("pot câștiga 50 de dolari pe oră", (50, 50, None, "hour")),
        ("zarobki 20 tys. zł miesięcznie", (20000, 20000, "PLN", "month")),
        ("yılda 80 bin dolar kazanıyor", (80000, 80000, None, "year")),
        ("ildə 100 000-dən 200 000 dollara qədər", (100000, 200000, None, "year")),
        ("15 ڈالر فی گھنٹہ", (15, 15, None, "hour")),
        ("Por cada hora, se le pagaba entre 10 y 20 euros.", (10, 20, "EUR", "hour")),
        # Bounds: reaching and exceeding.
        ("hourly rates can soar to $90.", (None, 90, None, "hour")),
        ("uma renda mensal que pode ultrapassar os R$ 5.000", (5000, None, "BRL", "month")),
    ],
)
def test_third_round_rules(text: str, expected: Expected) -> None:
    pay = parse_pay(text)
    assert pay is not None, text
    assert (pay.min, pay.max, pay.currency, pay.unit) == expected, text


@pytest.mark.parametrize(
    "text",
    [
        "Ab einem Mindestbetrag (meist 5 €) kann man sich das Geld auszahlen lassen.",
        "The minimum payout is $10.",
        "Men charge around $1.50 more per hour than women.",
        "They burned through $200,000 in three months.",
        "I made $1500 working as a rater.",
    ],
)
def test_third_round_not_pay(text: str) -> None:
    assert parse_pay(text) is None, text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Fourth to sixth rounds (collectors/pay_words.py): currency words and their inflections.
        ("palkkio on noin 15 euroa tunnilta", (15, 15, "EUR", "hour")),
        ("asi 120 korun na hodinu", (120, 120, "CZK", "hour")),
        ("3 000 forint óránként", (3000, 3000, "HUF", "hour")),
        ("90 kronor i timmen", (90, 90, "SEK", "hour")),
        ("時給1,200円", (1200, 1200, "JPY", "hour")),
        ("시간당 12,000원", (12000, 12000, "KRW", "hour")),
        ("月薪8000元", (8000, 8000, "CNY", "month")),
        ("আমি মাসে ১২ হাজার টাকা পাই", (12000, 12000, "BDT", "month")),
        ("Tk 400 a day", (400, 400, "BDT", "day")),
        ("30pence per hour", (0.3, 0.3, "GBP", "hour")),
        ("8 triệu đồng/tháng", (8000000, 8000000, "VND", "month")),
        ("dengan gaji Rp7–8 juta per bulan", (7000000, 8000000, "IDR", "month")),
        # Numbers written as words before a currency word.
        ("ganaba dos dólares por hora", (2, 2, None, "hour")),
        ("saa kolme euroa per tilaus", (3, 3, "EUR", "task")),
        # Periods and pieces of work named before the amount or earlier in the clause.
        ("Kuukaudessa hän tienaa 2 000 euroa.", (2000, 2000, "EUR", "month")),
        ("pendapatan harian sekitar Rp150.000", (150000, 150000, "IDR", "day")),
        ("Per completed delivery: DKK 25", (25, 25, "DKK", "task")),
        ("paid per batch they finish, from $6 to $9", (6, 9, None, "task")),
        ("40 kronor för varje utförd leverans", (40, 40, "SEK", "task")),
        ("RM 5 setiap jam", (5, 5, "MYR", "hour")),
        # A day's or a month's hours give their period; a week's are the size of the job.
        ("Trabalhando 8 horas por dia, a média é de R$ 150", (150, 150, "BRL", "day")),
        ("Con 20 horas por semana se ganan entre R$ 800 y R$ 1.200", (800, 1200, "BRL", "unknown")),
        # Bounds and ranges in more languages.
        ("jopa 40 euroa tunnilta", (None, 40, "EUR", "hour")),
        ("löner så låga som 110 kronor i timmen", (110, None, "SEK", "hour")),
        ("10만 원에서 20만 원 일주일에", (100000, 200000, "KRW", "week")),
        ("일주일에 10만 원에서 20만 원", (100000, 200000, "KRW", "week")),
        ("300 és 500 ezer forint között", (300000, 500000, "HUF", "unknown")),
        ("tussen 12 en 15 euro per uur", (12, 15, "EUR", "hour")),
        ("Appenだと時給19ドルから", (19, None, "USD", "hour")),
        ("you can earn “up to” $900 a month", (None, 900, None, "month")),
        # The pay now, after "now" in another language.
        ("Önceden paket 55 TL iken şimdi paket 45 TL", (45, 45, "TRY", "task")),
        # "$20.0000" is twenty, not twenty thousand.
        ("pays $20.0000 per task", (20, 20, None, "task")),
    ],
)
def test_fourth_to_sixth_round_rules(text: str, expected: Expected) -> None:
    pay = parse_pay(text)
    assert pay is not None, text
    assert (pay.min, pay.max, pay.currency, pay.unit) == pytest.approx(expected), text


@pytest.mark.parametrize(
    "text",
    [
        "We have paid around $3,250,000.50 to our workers since 2015.",
        "The price per participant is $120: $80 for the incentive and $40 for our fee.",
        "Once your balance reaches at least $15.0000 you can withdraw.",
        "From an amount of 20 € or more you will get your payout.",
        "Los costos de envío oscilan entre 40 y 60 pesos.",
        "The firm raised R$ 3,2 bilhões from investors.",
        "I spent $250 on a new bike for deliveries.",
        "Her hourly wage saw an increase of just 40 cents.",
        "He was paid £2.10 less than if he had been paid the minimum wage.",
        "The company disbursed Rs 12 crores worth of loans to partners.",
    ],
)
def test_fourth_to_sixth_round_not_pay(text: str) -> None:
    assert parse_pay(text) is None, text


def test_deductions_after_the_amount_are_not_a_price() -> None:
    pay = parse_pay("partners earned ₹300 per hour, net of commissions, fees and travel costs")
    assert pay is not None and (pay.min, pay.unit, pay.currency) == (300, "hour", "INR")


def test_a_bare_amount_takes_the_currency_of_the_script_only_with_a_unit() -> None:
    pay = parse_pay("アノテーションの時給は1500")
    assert pay is not None and pay.currency == "JPY" and pay.unit == "hour"
    assert parse_pay("2025年に") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A bare number before an hour word is a length of time: "1時間あたり" is "per one hour".
        ("1時間あたり1,500円", (1500, 1500, "JPY", "hour")),
        ("每2小时100元", (100, 100, "CNY", "unknown")),
        # A bare amount in lakhs, crores or LPA is an Indian salary in rupees...
        ("6 - 9 Lakhs per annum", (600000, 900000, "INR", "year")),
        ("15 Lacs P.A.", (1500000, 1500000, "INR", "year")),
        ("CTC: 3.5 - 5 LPA", (350000, 500000, "INR", "year")),
        # ...unless the text points to Pakistan, Bangladesh, Nepal or Sri Lanka.
        ("Salaries in Pakistan start at 1.2 lakh per annum", (120000, None, None, "year")),
        # Chinese and Japanese numerals before a currency word, and periods written after the amount.
        ("每月可以赚三千五百元", (3500, 3500, "CNY", "month")),  # a Han stem needs no word break
        ("可獲得大約一千美元的月收入", (1000, 1000, "USD", "month")),
        ("一万二日元的年收入", (12000, 12000, "JPY", "year")),
        ("一般来说,日结收入在几十元到几百元不等", None),
        # A single sum with no period in a sentence about pieces of work is what one piece pays...
        ("Most tests are 20 minutes where you earn $10.", (10, 10, None, "task")),
        ("Tasks can earn anything from one euro to several tens of euros.", (1, None, "EUR", "task")),
        # ...but not in a sentence about salaries or averages.
        ("Most testers do surveys, and their median income is $4,000", (4000, 4000, None, "unknown")),
        # A sum for doing one thing is what that piece pays; a sum for working a span is not a rate.
        ("Get $10 for completing a short survey", (10, 10, None, "task")),
        ("5 € pour remplir un questionnaire", (5, 5, "EUR", "task")),
        ("She got $300 for working weekends", (300, 300, None, "unknown")),
        # A price per piece of work is what the worker charges: a rate.
        ("The usual price for proofreading is $0.02 per word", (0.02, 0.02, None, "item")),
        # Turkish case endings after the currency, and bounds after them.
        ("saatlik ücret 150 TL’den fazla", (150, None, "TRY", "hour")),
        ("ücret 300 TL’ye kadar", (None, 300, "TRY", "unknown")),
        ("kurye paket başına 45 TL alıyor", (45, 45, "TRY", "task")),
        # Media time in other languages is output, per media minute; "Cr" is a crore.
        ("Ganhei R$ 12,00 por hora de áudio transcrito", (0.2, 0.2, "BRL", "minute")),
        ("0,60 € par minute d'audio", (0.6, 0.6, "EUR", "minute")),
        ("₹1.2 Cr per annum", (12_000_000, 12_000_000, "INR", "year")),
        # A change in Spanish, French, German, Portuguese or by "lowered": the pay now is the last.
        ("Outlier lowered rates from $40/hr to $25/hr last month", (25, 25, None, "hour")),
        ("El pago bajó de 15 a 12 dólares la hora", (12, 12, None, "hour")),
        ("Le tarif est passé de 10 € à 8 € de l'heure", (8, 8, "EUR", "hour")),
        ("Die Vergütung sank von 20 € auf 15 € pro Stunde", (15, 15, "EUR", "hour")),
        ("A tarifa caiu de R$ 50 para R$ 30 por hora", (30, 30, "BRL", "hour")),
        # Bounds with elided and inflected words; a restatement in another currency after a comma.
        ("moins d'un euro de l'heure", (None, 1, "EUR", "hour")),
        ("weniger als einen Euro pro Stunde", (None, 1, "EUR", "hour")),
        ("they get 1,500 bolívares, about $1, per week", (1500, 1500, "VES", "week")),
        ("KSh 500 – roughly $3.85 – a day", (500, 500, "KES", "day")),
        # A bonus named in the sentence makes a sum with no period a lump sum, not a piece's pay.
        ("who wouldn't want an extra $500 for signing up, right?", (500, 500, None, "once")),
        # A label naming a unit of media time; "a la semana"; "KSH" after the amount; "nawet"; "H.I.T.".
        ("Per audio hour (general): $60–$150.", (1, 2.5, None, "minute")),
        ("Medical (per audio minute): $2.00–$5.00.", (2, 5, None, "minute")),
        ("Ganaba 50 dólares a la semana.", (50, 50, None, "week")),
        ("earn up to 20,000 KSH per month online", (None, 20000, "KES", "month")),
        ("mogą zarobić nawet 8 tys. zł miesięcznie", (None, 8000, "PLN", "month")),
        ("ranges from $.01 to $.50 per H.I.T.", (0.01, 0.5, None, "task")),
    ],
)
def test_eighth_round_rules(text: str, expected: Expected | None) -> None:
    pay = parse_pay(text)
    if expected is None:
        assert pay is None, text
        return
    assert pay is not None, text
    assert (pay.min, pay.max, pay.currency, pay.unit) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Spending limit of $500 per month",
        "a daily withdrawal limit of KSh 70,000",
        "Lessons are $30 per hour",
        "Tutoring sessions are $40 per hour",
        "English classes cost $15 an hour",
        # What a customer pays and what a platform takes.
        "The average price for a cleaning job is $77.",
        "a commission of around Rs 20,000 will have to be paid to the platform",
        "I bought a $1,200 laptop for this work",
        "Transfer fees are $3 per withdrawal",
        "Un abonnement coûte 9,99 € par mois",
        "Clases de inglés a 15 dólares la hora",
        "Aulas particulares custam R$ 80 por hora",
        "- Brüt Sipariş Tutarı: 150,00 TL",
        "The average order value is $32",
    ],
)
def test_eighth_round_not_pay(text: str) -> None:
    assert parse_pay(text) is None, text


def test_a_german_praemie_is_a_bonus_before_or_after_the_amount() -> None:
    """The three bonus patterns share one word list: "Prämie" reads as a bonus wherever it stands."""
    for text in ("Prämie: 50 € für jede Empfehlung", "50 € Prämie für jede Empfehlung"):
        pay = parse_pay(text)
        assert pay is not None and (pay.min, pay.currency, pay.unit) == (50, "EUR", "once"), (text, pay)


@pytest.mark.parametrize("text", ["in 2019, 2020 or 2021 dollars", "pagaron ৫, ৫০০ টাকা"])
def test_a_list_needs_its_or_and_a_unit_after_a_currency_word(text: str) -> None:
    """Years before a currency word are no range, nor is a digit group after a comma."""
    pay = parse_pay(text)
    assert pay is None or pay.min == pay.max, (text, pay)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Buden är garanterade en lägsta timbetalning på 100 kronor.", (100, None, "SEK", "hour")),
        ("a guaranteed minimum hourly rate of $18", (18, None, None, "hour")),
        ("To attain the maximum week-day incentive of Rs 1,000, a rider has to earn Rs 4,400", (None, 1000, "INR", "once")),
        ("The top rate is $50/hour", (None, 50, None, "hour")),
        ("The highest hourly rate was $40.", (None, 40, None, "hour")),
        # A legal minimum is a figure, not a bound on this pay.
        ("The minimum wage is $7.25 an hour", (7.25, 7.25, None, "hour")),
    ],
)
def test_a_minimum_or_maximum_named_before_the_pay_noun_bounds_the_amount(
    text: str, expected: tuple[float | None, float | None, str | None, str]
) -> None:
    pay = parse_pay(text)
    assert pay is not None, text
    assert (pay.min, pay.max, pay.currency, pay.unit) == expected, (text, pay)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("rates of 8c per word", (0.08, 0.08, None, "item")),
        ("Payment normally varies from 1c to 3c (euro) per word.", (0.01, 0.03, "EUR", "item")),
        ("5c (US) per word", (0.05, 0.05, "USD", "item")),
        ("I was paid 5c/word", (0.05, 0.05, None, "item")),
    ],
)
def test_cents_written_c_before_a_unit(text: str, expected: tuple[float, float, str | None, str]) -> None:
    pay = parse_pay(text)
    assert pay is not None, text
    assert (pay.min, pay.max, pay.currency, pay.unit) == expected, (text, pay)


@pytest.mark.parametrize("text", ["Vitamin C per day", "type 4c hair", "Grade 3c to 4c", "minimum payout of $10"])
def test_a_c_that_is_no_cent_and_a_payout_threshold_are_not_pay(text: str) -> None:
    assert parse_pay(text) is None, text


@pytest.mark.parametrize(
    "text",
    ["50 ₹ प्रति शब्द", "5 € pro Normseite", "1,20 € pro Normzeile", "15 € la cartella", "10 € par feuillet",
     "300 рублей за страницу"],
)
def test_a_translators_word_line_or_page_is_a_unit_of_output(text: str) -> None:
    """Translation is paid per word, standard line or standard page, in each language's own terms."""
    pay = parse_pay(text)
    assert pay is not None and pay.unit == "item", (text, pay)
