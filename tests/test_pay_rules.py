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
