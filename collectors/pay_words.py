"""The words `collectors.pay` reads pay with, in many languages: currency names, numbers in words,
periods and pieces of work, bounds. Kept apart from the parser so the vocabulary can grow by language
without touching the rules that use it.

The tables were written from how each language writes pay, not from the strings the parser missed:
every period is given for every language listed (hour, day, week, month and year), so a language
seen once with "per hour" is read with "per month" too. `collectors.pay` builds its patterns from
these tables; docs/pay-strings.md says what each kind of word does.
"""

from __future__ import annotations

from typing import Literal

Period = Literal["hour", "day", "week", "month", "year"]
Piece = Literal["task", "item"]

# --- Currencies written as words after the amount ---------------------------------------------------
# Exact written forms (lower case) → (ISO code or None when the word does not say which country's,
# the sign to show). Latin, Cyrillic and Greek words must end at a word boundary; the CJK, Hangul,
# Thai and Hebrew ones may run into the next word ("50원은", "31ドル").
CURRENCY_WORDS: dict[str, tuple[str | None, str]] = {
    # Euro in the inflections of Finnish, Baltic, Slavic, Greek and Hungarian.
    **dict.fromkeys(("euroa", "euron", "euroon", "eurolla", "eurolta", "euroja", "euroksi", "euroilla",
                     "eura", "eur", "eurů", "euri", "eurų", "eurai", "eurot", "eurót", "eurót", "евро", "ευρώ",
                     "euró", "eurót", "eurókat"), ("EUR", "€")),
    **dict.fromkeys(("korun", "koruna", "koruny", "korunu", "korunách", "korún"), ("CZK", "Kč")),
    **dict.fromkeys(("forint", "forintot", "forintos", "forintért"), ("HUF", "Ft")),
    **dict.fromkeys(("leu", "lei", "de lei"), ("RON", "lei")),
    **dict.fromkeys(("kronor", "kronur", "krónur"), ("SEK", "kr")),
    "kroner": (None, "kr"), "kroon": (None, "kr"),
    **dict.fromkeys(("złote", "złotego", "zlotych", "zloty", "zlote"), ("PLN", "zł")),
    **dict.fromkeys(("lira", "lirası", "liralık", "türk lirası"), ("TRY", "₺")),
    **dict.fromkeys(("гривень", "гривні", "гривен", "гривна", "гривня", "гривны"), ("UAH", "₴")),
    **dict.fromkeys(("тенге", "теңге"), ("KZT", "₸")),
    **dict.fromkeys(("долларов", "доллара", "доллар", "долара", "долари", "доларів", "долл.", "долл"), (None, "$")),
    **dict.fromkeys(("dolarů", "dolarů", "dolary", "dollari", "dollaria", "dollaria", "dollárt", "dollár",
                     "dollaro", "dollarit", "dollars", "dollar"), (None, "$")),
    **dict.fromkeys(("rupiah",), ("IDR", "Rp")),
    **dict.fromkeys(("bolívares", "bolivares", "bolívar", "bolivar", "bolívares soberanos"), ("VES", "Bs")),
    **dict.fromkeys(("ringgit",), ("MYR", "RM")),
    **dict.fromkeys(("đồng", "vnđ", "vnd"), ("VND", "₫")),
    **dict.fromkeys(("soles", "sol", "nuevos soles"), ("PEN", "S/")),
    **dict.fromkeys(("bolívares", "bolivares", "bolívar"), ("VES", "Bs")),
    **dict.fromkeys(("quetzales", "quetzal"), ("GTQ", "Q")),
    **dict.fromkeys(("colones",), ("CRC", "₡")),
    **dict.fromkeys(("guaraníes", "guaranies"), ("PYG", "₲")),
    **dict.fromkeys(("bolivianos",), ("BOB", "Bs")),
    **dict.fromkeys(("cedis", "cedi"), ("GHS", "GH₵")),
    **dict.fromkeys(("birr",), ("ETB", "Br")),
    **dict.fromkeys(("fcfa", "francs cfa", "franc cfa", "cfa"), ("XOF", "CFA")),
    # "টাকা" is the taka, Bangladesh's currency (Bengali in India says it of the rupee too).
    **dict.fromkeys(("taka", "tk", "tk.", "টাকা", "টাকার"), ("BDT", "৳")),
    **dict.fromkeys(("pence", "penny", "pennies"), ("GBP", "£")),
    **dict.fromkeys(("dinara", "dinar", "динара", "динар"), ("RSD", "дин")),
    **dict.fromkeys(("yuan", "renminbi", "rmb"), ("CNY", "¥")),
    **dict.fromkeys(("won",), ("KRW", "₩")),
    **dict.fromkeys(("rubles", "roubles", "ruble", "rouble", "rublos", "rubli"), ("RUB", "₽")),
    **dict.fromkeys(("hryvnias", "hryvnia", "hryvnas"), ("UAH", "₴")),
    **dict.fromkeys(("céntimos", "céntimo", "centimos", "centimo", "centesimi", "centesimo", "centów",
                     "groszy", "kopecks", "копеек", "копійок", "senttiä"), (None, "¢")),
    **dict.fromkeys(("shilingi",), (None, "shillings")),
    **dict.fromkeys(("dirhams", "dirham"), (None, "dh")),
    **dict.fromkeys(("تومان", "ریال", "تومن"), ("IRR", "﷼")),
    **dict.fromkeys(("جنيه", "جنيها"), ("EGP", "E£")),
    **dict.fromkeys(("डॉलर", "डालर"), (None, "$")),
}
# Which of the words above are hundredths of their currency.
CENT_WORDS: frozenset[str] = frozenset(
    [word for word, (_, sign) in CURRENCY_WORDS.items() if sign == "¢"] + ["pence", "penny", "pennies"]
)
# Forms in scripts without spaces between words.
CURRENCY_WORDS_JOINED: dict[str, tuple[str | None, str]] = {
    # In Japanese and Korean text a dollar on its own is the US dollar (others are named: カナダドル).
    "米ドル": ("USD", "$"), "ドル": ("USD", "$"), "ユーロ": ("EUR", "€"), "ポンド": ("GBP", "£"),
    "원": ("KRW", "₩"), "달러": ("USD", "$"), "유로": ("EUR", "€"),
    "美元": ("USD", "$"), "美金": ("USD", "$"), "欧元": ("EUR", "€"), "英镑": ("GBP", "£"),
    "日元": ("JPY", "¥"), "日币": ("JPY", "¥"), "人民币": ("CNY", "¥"), "块钱": ("CNY", "¥"), "块": ("CNY", "¥"), "港元": ("HKD", "HK$"), "港币": ("HKD", "HK$"),
    "บาท": ("THB", "฿"),
    "שקלים": ("ILS", "₪"), "שקל": ("ILS", "₪"), 'ש"ח': ("ILS", "₪"), "ש״ח": ("ILS", "₪"),
    "₸": ("KZT", "₸"), "₡": ("CRC", "₡"), "₲": ("PYG", "₲"), "৳": ("BDT", "৳"),
}
# Codes read before a number that are not ISO codes.
CODE_ALIASES: dict[str, str] = {"RMB": "CNY", "NTD": "TWD", "KSH": "KES", "YTL": "TRY"}
# The ISO codes the new words name, beyond those `collectors.pay` already knows.
MORE_ISO_CODES: frozenset[str] = frozenset({"KZT", "PEN", "VES", "GTQ", "CRC", "PYG", "BOB", "IRR", "EGP", "RSD"})

# --- Numbers in words after digits ------------------------------------------------------------------
# "10만 원", "5千円", "6 triệu", "15 tis. Kč", "3 mii de lei", "50 ezer forint".
NUMBER_SUFFIXES: dict[str, float] = {
    "만": 1e4, "천": 1e3, "千": 1e3, "萬": 1e4,
    "tis.": 1e3, "tis": 1e3, "tisíc": 1e3, "tūkst.": 1e3, "tūkst": 1e3, "tuhatta": 1e3, "tuhat": 1e3,
    "mii": 1e3, "ezer": 1e3, "nghìn": 1e3, "ngàn": 1e3, "tisuća": 1e3, "tisuće": 1e3, "tisoč": 1e3,
    "tusen": 1e3, "tysiące": 1e3, "tysięcy": 1e3, "χιλ.": 1e3, "χιλιάδες": 1e3, "тис.": 1e3, "тисяч": 1e3,
    "hazar": 1e3, "libo": 1e3, "হাজার": 1e3, "ہزار": 1e3, "lakh taka": 1e5, "লাখ": 1e5,
}
# Millions in words, pay only as a salary in a currency whose salaries run to millions.
MILLION_WORDS: dict[str, float] = {"triệu": 1e6, "juta": 1e6, "jutaan": 1e6}
# Millions and billions in words that are never pay (funding, sales, market sizes): "R$ 5,6 bilhões".
HUGE_WORDS: dict[str, float] = {
    **dict.fromkeys(("bilhões", "bilhão", "billones", "billón", "miliardi", "miliardo", "milliards", "milliard",
                     "milliarden", "mrd.", "mrd", "mld.", "mld", "miljardia", "miljardi", "miljard", "miljarder",
                     "milyar", "miliarde", "miliardów", "miliardy", "млрд", "млрд.", "tỷ", "triliun", "miliar"), 1e9),
    **dict.fromkeys(("milioni", "milione", "miljoonaa", "miljoona", "miljoen", "millionen", "mio.", "mio", "mln",
                     "mln.", "млн", "млн.", "milionów", "miliony", "milion", "milyon", "milioane", "millió",
                     "millions", "miljoner", "millioner"), 1e6),
}

# --- Periods and pieces of work ----------------------------------------------------------------------
# Nouns read after a connector ("per", "/", "na", "à", "ต่อ"...): "50 korun na hodinu", "€10 al giorno".
PERIOD_NOUNS: dict[Period, tuple[str, ...]] = {
    "hour": ("hodinu", "hodina", "hodin", "hod.", "hod", "tunti", "tunnin", "giờ", "ชั่วโมง", "oras", "ώρα",
             "ώρας", "שעה", "ঘন্টা", "ঘণ্টা", "timme", "timmen", "tim", "órát", "saati", "ساعت", "soat",
             "hodinku", "uro", "uru", "ura", "stundu", "valandą", "tund", "tunnis"),
    "day": ("den", "deň", "dzień", "päivä", "päivältä", "gün", "zi", "nap", "napot", "ngày", "วัน", "araw",
            "ημέρα", "μέρα", "giorno", "dag", "dagen", "יום", "يوم", "اليوم", "дзень", "dan", "dienu", "päev",
            "сутки", "dnevno", "روز"),
    "week": ("týden", "týždeň", "tydzień", "viikko", "viikolta", "hafta", "săptămână", "hetet", "hét", "tuần",
             "สัปดาห์", "linggo", "εβδομάδα", "settimana", "vecka", "veckan", "uke", "uken", "uge", "ugen",
             "неделю", "неделя", "тиждень", "седмица", "tjedan", "savaitę", "nädal", "hefte", "hefta", "هفته"),
    "month": ("měsíc", "mesiac", "miesiąc", "kuukausi", "kuukaudelta", "lună", "luna", "hónap", "hónapot",
              "tháng", "เดือน", "buwan", "μήνα", "μήνας", "mese", "månad", "månaden", "måned", "måneden",
              "maand", "місяць", "месяц", "месец", "mjesec", "mjesečno", "mėnesį", "kuu", "חודש", "الشهر", "شهر",
              "ماه", "месяц", "mwezi", "mes", "mês"),
    "year": ("vuosi", "vuodelta", "yıl", "év", "évet", "năm", "ปี", "taon", "χρόνο", "έτος", "år", "året",
             "рік", "godinu", "godina", "metus", "aasta", "שנה", "سنة", "السنة", "سال", "год", "ano", "año"),
}
# Words that are a period on their own, with no connector, after the amount: "4,55 euroa tunnilta",
# "200 000 Ft havonta", "15 000 Kč měsíčně", "€ 2.500 bruto per maand", "10 000 ₽ ежедневно".
PERIOD_ADVERBS: dict[Period, tuple[str, ...]] = {
    "hour": ("tunnilta", "tunnissa", "tunnilla", "tuntia kohden", "óránként", "saatte", "saatlik", "hodinově",
             "godzinowo", "stündlich", "почасово", "ωριαίως", "לשעה", "בשעה", "kada oras", "bawat oras",
             "mỗi giờ", "một giờ", "ต่อชั่วโมง", "시간당", "時間あたり", "每小時", "每小时", "timvis", "ঘন্টায়",
             "ঘণ্টায়", "প্রতি ঘন্টায়", "setiap jam", "tiap jam", "kwa saa", "的时薪", "时薪", "的時薪", "時薪"),
    "day": ("päivässä", "päivältä", "päivittäin", "naponta", "günde", "günlük", "denně", "denne", "dziennie",
            "dnevno", "zilnic", "dagligen", "daglig", "dagelijks", "täglich", "giornalieri", "al giorno",
            "ежедневно", "в сутки", "ημερησίως", "ליום", "يوميا", "روزانه", "kada araw", "bawat araw",
            "araw-araw", "mỗi ngày", "một ngày", "ต่อวัน", "하루에", "일당", "日当", "每天", "每日", "रोज़ाना",
            "रोजाना", "प्रतिदिन", "দিনে", "প্রতিদিন", "setiap hari", "sehari-hari"),
    "week": ("viikossa", "viikolta", "viikoittain", "hetente", "haftada", "haftalık", "týdně", "týždenne",
             "tygodniowo", "tjedno", "săptămânal", "i veckan", "per vecka", "wekelijks", "wöchentlich",
             "settimanali", "еженедельно", "в неделю", "εβδομαδιαίως", "לשבוע", "أسبوعيا", "هفتگی", "kada linggo",
             "mỗi tuần", "một tuần", "ต่อสัปดาห์", "일주일에", "주당", "每周", "每週", "साप्ताहिक", "সপ্তাহে",
             "setiap minggu"),
    "month": ("kuukaudessa", "kuussa", "kuukaudelta", "kuukausittain", "havonta", "havi", "ayda", "aylık",
              "měsíčně", "mesačne", "miesięcznie", "mjesečno", "lunar", "lunari", "i månaden", "om månaden",
              "i måneden", "om måneden", "månadsvis", "maandelijks", "per maand", "monatlich", "mensili", "mensile",
              "al mese", "ежемесячно", "в месяц", "на місяць", "щомісяця", "μηνιαίως", "το μήνα", "τον μήνα",
              "לחודש", "شهريا", "في الشهر", "ماهانه", "در ماه", "kada buwan", "bawat buwan", "buwan-buwan",
              "mỗi tháng", "một tháng", "hàng tháng", "ต่อเดือน", "한 달에", "매달", "매월", "毎月", "每月",
              "प्रतिमाह", "महीने", "kwa mwezi", "sebulan", "per bulan", "মাসে", "প্রতি মাসে", "setiap bulan",
              # after the amount in Chinese: "一千美元的月收入", "8000元月薪"
              "的月收入", "月收入", "的月薪", "月薪", "的月工资", "月工资"),
    "year": ("vuodessa", "vuodelta", "vuosittain", "évente", "évi", "yılda", "yıllık", "ročně", "ročne",
             "rocznie", "godišnje", "anual", "anuali", "om året", "per år", "i året", "årligen", "om året",
             "jaarlijks", "per jaar", "jährlich", "annui", "annuali", "all'anno", "ежегодно", "в год", "на рік",
             "ετησίως", "το χρόνο", "לשנה", "سنويا", "في السنة", "سالانه", "kada taon", "bawat taon",
             "mỗi năm", "một năm", "hàng năm", "ต่อปี", "1년에", "매년", "毎年", "每年", "प्रतिवर्ष", "सालाना", "বছরে",
             "setiap tahun", "的年收入", "年收入", "的年薪", "年薪"),
}
# Words before the amount that name its period or piece: "時給1,200円", "시간당 10.000원", "월급 200만원",
# "Stundenlohn: 15 €", "órabér 2000 Ft", "hodinová mzda 150 Kč".
UNIT_BEFORE: dict[str, Period | Piece] = {
    "시급": "hour", "시간당": "hour", "시간에": "hour", "일당": "day", "하루": "day", "주급": "week",
    "주당": "week", "일주일에": "week", "월급": "month", "월": "month", "한 달에": "month", "매달": "month",
    "매월": "month", "연봉": "year", "장당": "item", "개당": "item", "건당": "task", "회당": "task",
    "月収": "month", "日当": "day", "1時間あたり": "hour", "時間あたり": "hour", "1件あたり": "task",
    "件あたり": "task", "1文字": "item", "文字単価": "item", "每月": "month", "每天": "day", "每周": "week",
    "日薪": "day", "月收入": "month", "周薪": "week", "每单": "task", "每条": "item",
    "órabér": "hour", "órabére": "hour", "havi": "month", "havonta": "month", "napi": "day", "heti": "week",
    "éves": "year", "évi": "year", "hodinová mzda": "hour", "hodinová sazba": "hour", "měsíční mzda": "month",
    "měsíčně": "month", "stawka godzinowa": "hour", "godzinowa": "hour", "miesięcznie": "month",
    "tuntipalkka": "hour", "tuntipalkkio": "hour", "tuntiansio": "hour", "kuukausipalkka": "month",
    "vuosipalkka": "year", "päiväpalkka": "day", "timlön": "hour", "timlönen": "hour", "månadslön": "month",
    "månadslönen": "month", "årslön": "year", "timeløn": "hour", "timelønn": "hour", "månedsløn": "month",
    "månedslønn": "month", "årsløn": "year", "årslønn": "year", "uurloon": "hour", "maandloon": "month",
    "maandsalaris": "month", "jaarsalaris": "year", "stundenlohn": "hour", "monatsgehalt": "month",
    "jahresgehalt": "year", "tageslohn": "day", "paga oraria": "hour", "compenso orario": "hour",
    "stipendio mensile": "month", "salario mensile": "month", "ral": "year", "saatlik ücret": "hour",
    "aylık maaş": "month", "yıllık maaş": "year", "günlük ücret": "day", "satnica": "hour",
    "mjesečna plaća": "month", "почасовая оплата": "hour", "зарплата в месяц": "month",
    "погодинна оплата": "hour", "ωριαία αμοιβή": "hour", "μηνιαίος μισθός": "month",
    "lương tháng": "month", "lương theo giờ": "hour", "mức lương theo giờ": "hour",
    "gaji bulanan": "month", "gaji per bulan": "month", "upah per jam": "hour",
    "sahod kada oras": "hour", "arawang sahod": "day", "buwanang sahod": "month",
    "שכר לשעה": "hour", "משכורת חודשית": "month", "الراتب الشهري": "month", "أجر الساعة": "hour",
}
# Pieces of work read after a connector: "2,5 euros por envío", "$7 per batch", "4 € la livraison".
PIECE_NOUNS: dict[Piece, tuple[str, ...]] = {
    "task": ("leverans", "leveranser", "uppdrag", "körning", "levering", "leveringer", "oppdrag", "tur", "drop-off",
             "drop-offs", "dropoff", "dropoffs", "pick-up", "pick-ups", "pickup", "pickups", "ডেলিভারি", "অর্ডার",
             "pesanan", "hantaran",
             "order", "orders", "batch", "batches", "drop", "drops", "gig", "gigs", "mission", "missions",
             "playtest", "playtests", "interview", "interviews", "envío", "envíos", "envio", "envios",
             "viaje", "viajes", "carrera", "carreras", "encuesta", "encuestas", "viagem", "viagens",
             "corrida", "corridas", "pesquisa", "pesquisas", "attività", "consegna", "consegne", "compito",
             "compiti", "sondaggio", "sondaggi", "corsa", "corse", "livraison", "livraisons", "course",
             "courses", "sondage", "sondages", "tâches", "lieferung", "lieferungen", "fahrt", "fahrten",
             "bestellung", "bestellungen", "umfrage", "umfragen", "aufgaben", "bezorging", "bezorgingen",
             "rit", "ritten", "taak", "taken", "opdracht", "opdrachten", "zadanie", "zlecenie", "dostawę",
             "dostawa", "заказ", "доставку", "поездку", "задание", "úkol", "zakázku", "jízdu",
             "kuljetus", "kuljetukselta", "tilaus", "tilaukselta", "tehtävä", "görev", "sipariş", "teslimat",
             "sarcină", "livrare", "comandă", "feladat", "szállítás", "chuyến", "đơn", "nhiệm vụ", "gawain",
             "εργασία", "παραγγελία", "διαδρομή", "משימה", "משלוח", "مهمة", "طلب", "توصيل", "tugas",
             "pengiriman", "pesanan", "kazi", "paket", "paketi", "paketler", "paketlerde", "paket başı"),
    "item": ("palabra", "palabras", "palavra", "palavras", "mot", "mots", "wort", "wörter", "parola", "parole",
             "słowo", "słów", "слово", "слов", "imagen", "imágenes", "imagem", "imagens", "immagine", "immagini",
             "bild", "bilder", "caractère", "caractères", "carattere", "caratteri", "znak", "znaków",
             "kelime", "cuvânt", "szó", "salita", "λέξη", "מילה", "كلمة", "kata", "neno", "शब्द", "শব্দ",
             "normseite", "normseiten", "normzeile", "normzeilen", "seite", "feuillet", "cartella", "cartelle",
             "página", "páginas", "pagina", "pagine", "strona", "stronę", "страница", "страницу"),
}
# Connectors between an amount and its period or piece, beyond those `collectors.pay` knows.
CONNECTORS: tuple[str, ...] = (
    "à", "ao", "no", "ανά", "την", "τον", "mỗi", "một", "ต่อ", "kada", "bawat", "ogni", "pr.", "in der", "in einer",
    "för varje", "för en", "for hver", "for hvert", "für jede", "für jeden", "für jedes", "voor elke", "voor iedere",
    "pour chaque", "a cada", "por cada", "per ogni", "za każdą", "za každou", "her", "başına", "setiap", "tiap",
    "sa bawat", "kila", "প্রতি", "प्रति",
)
# "Completed" and its kin between a connector and its piece of work: "40 kronor för varje utförd leverans".
DONE_ADJECTIVES: tuple[str, ...] = (
    "utförd", "utförda", "avklarad", "avklarade", "levererad", "completada", "completado", "realizada",
    "realizado", "concluída", "concluído", "effectuée", "effectué", "réalisée", "réalisé", "abgeschlossene",
    "abgeschlossenen", "erledigte", "erledigten", "voltooide", "completata", "completato", "zrealizowaną",
    "wykonaną", "dokončenou", "suoritettu", "tamamlanan", "выполненный", "выполненную", "виконане", "fullført",
    "gennemført", "entregue", "entregado", "entregada",
)

# --- Bounds ---------------------------------------------------------------------------------------------
# Words just before the amount ("jopa 40 euroa", "až 500 Kč", "vanaf €12"): lower case, exact.
UP_TO_BEFORE: tuple[str, ...] = (
    "jopa", "enintään", "korkeintaan", "až", "až do", "nejvýše", "maximálně", "maximaal", "hooguit", "tot wel",
    "upp till", "upp mot", "opp til", "op til", "inntil", "høyst", "højst", "hingga", "sampai", "lên đến",
    "lên tới", "tối đa", "έως", "μέχρι", "legfeljebb", "akár", "maksimal", "maks.", "do maksymalnie",
    "maksymalnie", "najwyżej", "nejvíce", "nanejvýš", "aż do", "aż", "aşa", "până la", "maxim", "maximum",
    "bis zu", "höchstens", "fino a", "hasta", "até", "jusqu'à", "up to", "as much as", "as high as",
    "not more than", "max", "máximo", "massimo", "максимум", "не более", "не больше", "до", "до рівня",
    "tops out at", "topping out at", "tops at",
)
AT_LEAST_BEFORE: tuple[str, ...] = (
    "vähintään", "yli", "minimálně", "nejméně", "alespoň", "přes", "víc než", "více než", "minimaal", "minstens",
    "vanaf", "ten minste", "minst", "från", "fra", "mindestens", "ab", "mulai", "mulai dari", "minimal",
    "ít nhất", "tối thiểu", "τουλάχιστον", "από", "legalább", "en az", "najmniej", "co najmniej", "ponad",
    "powyżej", "över", "mer än", "meer dan", "więcej niż", "as little as", "as low as", "starting from",
    "no menos de", "pelo menos", "al menos", "au moins", "almeno", "не менее", "не меньше", "більше", "понад",
    "så låga som", "så lågt som", "så lite som", "minimilönen är", "minstelønnen er", "tan bajo como",
    "tan bajos como", "tão baixo quanto", "aussi bas que", "paling sedikit", "sekurang-kurangnya", "minstens",
    "от", "від", "dari", "cel puțin", "peste", "minimum", "mínimo", "minimo",
)
APPROX_BEFORE: tuple[str, ...] = (
    "noin", "n.", "asi", "kolem", "okolo", "zhruba", "cca", "cca.", "około", "ok.", "ongeveer", "rond de",
    "zo'n", "circa", "omkring", "ungefär", "cirka", "runt", "sekitar", "kira-kira", "khoảng", "chừng",
    "περίπου", "körülbelül", "kb.", "mintegy", "yaklaşık", "примерно", "около", "приблизно", "близько",
    "约", "約", "약", "대략", "लगभग", "करीब", "حوالي", "تقريبا", "mga", "halos", "kurang lebih",
    "aproximadamente", "alrededor de", "cerca de", "por volta de", "cerca", "intorno a", "environ",
    "ungefähr", "etwa", "rund", "about", "around", "roughly", "approximately", "some",
)
BETWEEN_BEFORE: tuple[str, ...] = (
    "tussen", "mellan", "mellom", "mellem", "między", "mezi", "medzi", "între", "antara", "giữa", "μεταξύ",
    "між", "между", "od", "从",
)
# "Between" written after the second amount: "250 és 600 ezer forint között", "100 ile 200 TL arasında".
BETWEEN_AFTER: tuple[str, ...] = ("között", "arasında", "arası", "välillä", "kesken", "vahel")
# Words between two amounts that make them a range ("10만 원에서 20만 원", "500円から700円", "od 20 do 30").
RANGE_TO_WORDS: tuple[str, ...] = (
    "에서", "부터", "から", "到", "至", "do", "až", "tot", "till", "til", "hingga", "sampai", "đến", "tới", "έως",
    "μέχρι", "ως", "ila", "dan hingga",
)
# "and" in other languages: a range only after a "between" word ("tussen 10 en 20 euro").
RANGE_AND_WORDS: tuple[str, ...] = (
    "en", "och", "og", "ja", "és", "și", "dan", "và", "και", "и", "та", "ile", "ve", "i", "oraz",
)
# Words right after the amount: "19ドル(約2,700円)から" (from: at least), "20만 원 이상", "10,000円まで".
AT_LEAST_AFTER: tuple[str, ...] = ("から", "以上", "이상", "起", "以上", "alkaen", "tai enemmän", "nebo více",
                                   "lub więcej", "o más", "ou mais", "o più", "ou plus", "eller mer", "of meer",
                                   "oder mehr", "veya daha fazla", "ve üzeri", "fazla", "üzeri", "và hơn", "trở lên", "или больше")
UP_TO_AFTER: tuple[str, ...] = ("まで", "以下", "까지", "이하", "以内", "kadar", "तक", "asti", "saakka")

# "Now" in more languages: the pay said to be the pay now wins a tie ("şimdi ilk paket 47 TL").
NOW_WORDS: tuple[str, ...] = (
    "şimdi", "artık", "nyt", "nykyään", "nu", "numera", "nå", "teraz", "obecnie", "nyní", "teď", "nyní", "сейчас",
    "теперь", "зараз", "тепер", "нині", "τώρα", "σήμερα", "sekarang", "kini", "ngayon", "sasa", "adesso", "oggi",
    "attualmente", "acum", "astăzi", "hiện nay", "bây giờ", "现在", "現在", "今は", "지금", "현재", "अब", "আজ", "الآن",
    "حالا", "עכשיו", "inmiddels", "tegenwoordig", "idag", "i dag", "nowadays",
)
# Verbs of being paid (stems): an amount after one of these is pay, not a cost named earlier in the sentence.
PAY_VERB_STEMS: tuple[str, ...] = (
    "earn", "make", "made", "paid", "pay", "receiv", "get", "got", "take home", "takes home", "gan", "cobr",
    "recib", "receb", "ganh", "gagn", "touch", "perçoi", "verdien", "bekomm", "erhält", "erhielt", "guadagn",
    "percep", "zarab", "dosta", "vydělá", "ansai", "tienaa", "tienas", "tjän", "tjen", "kazan", "câștig", "keres",
    "kap", "получа", "зараб", "отриму", "κερδ", "λαμβάν", "kiếm", "nhận", "mendapat", "menerima", "mengantongi",
    "kumikita", "natatanggap", "anapata", "hupata", "fick", "får", "verdiende", "krijg", "bekom",
)

# --- Thresholds ------------------------------------------------------------------------------------------
# A sum a condition waits for is a threshold, not pay: "if daily earnings ... reaches 20 dollars", "если
# его заработок ... превысит 5 долларов". The words that open a condition (exact, lower case)...
CONDITION_WORDS: tuple[str, ...] = (
    "if", "once", "when", "until", "unless", "whenever", "si", "cuando", "hasta que", "una vez que", "quando",
    "se", "assim que", "até que", "lorsque", "quand", "dès que", "jusqu'à ce que", "wenn", "falls", "sobald",
    "bis", "qualora", "appena", "jeśli", "jeżeli", "gdy", "kiedy", "если", "когда", "как только", "якщо",
    "коли", "jos", "kun", "om", "när", "hvis", "når", "als", "zodra", "eğer", "jika", "apabila", "kalau", "ketika",
    "nếu", "khi", "kung", "kapag", "ikiwa", "wakati", "dacă", "când", "ha", "amikor", "pokud", "když", "αν", "όταν",
)
# ...and the verbs of reaching a sum, right before the amount (regex stems, lower case).
THRESHOLD_VERB_STEMS: tuple[str, ...] = (
    r"reach(?:es)?", r"exceeds?", r"surpass(?:es)?", r"tops?", r"hits?", r"goes\s+(?:over|above)",
    r"is\s+(?:over|above|more\s+than)", r"превы\w*", r"достиг\w*", r"перевищ\w*", r"supera\w*", r"super[ae]n?",
    r"alcanz\w*", r"alcance\w*", r"llega\w*\s+a", r"ultrapass\w*", r"atinge\w*", r"atingir", r"chega\w*\s+a",
    r"dépass\w*", r"atteint\w*", r"atteindre", r"überschreit\w*", r"übersteig\w*", r"erreich\w*",
    r"raggiung\w*", r"przekroczy\w*", r"przekracza\w*", r"osiągnie\w*", r"ylittää", r"ylittyy", r"saavuttaa",
    r"överstiger", r"når", r"overstiger", r"overschrijdt", r"bereikt", r"aşarsa", r"geçerse", r"ulaşırsa",
    r"melebihi", r"mencapai", r"vượt\s+quá", r"đạt", r"lumampas", r"depășește", r"ajunge\s+la", r"meghaladja",
    r"eléri", r"překročí", r"dosáhne", r"ξεπεράσει", r"φτάσει",
)

# --- Pay verbs -------------------------------------------------------------------------------------------
# A verb of being paid just before an amount makes it the pay when two amounts score alike: "numa viagem
# de 27 euros, o motorista recebe 13 euros".
PAY_VERBS: tuple[str, ...] = (
    "earn", "earns", "earned", "earning", "make", "makes", "making", "paid", "pays", "pay", "gets", "get",
    "receive", "receives", "received", "takes home", "gana", "ganan", "ganaba", "cobra", "cobran", "cobrando",
    "recibe", "reciben", "recibirás", "ganha", "ganham", "recebe", "recebem", "recebeu", "recebia", "cobram",
    "gagne", "gagnent", "touche", "touchent", "perçoit", "verdient", "verdienen", "bekommt", "erhält",
    "guadagna", "guadagnano", "prende", "percepisce", "zarabia", "zarabiają", "dostaje", "vydělá", "vydělává",
    "dostane", "ansaitsee", "tienaa", "saa", "tjänar", "tjener", "verdient", "kazanıyor", "kazanır", "câștigă",
    "keres", "kap", "получает", "зарабатывает", "заробляє", "отримує", "κερδίζει", "λαμβάνει", "kiếm",
    "nhận", "mendapat", "mendapatkan", "menerima", "kumikita", "natatanggap", "anapata", "hupata",
)

# --- Period words earlier in the amount's clause ----------------------------------------------------
# Regex stems (lower case): "Hodinová mzda ... kolem 150 korun", "Kuukaudessa hänen tulonsa ovat 4 000
# euroa", "mức lương tháng 8 triệu".
CLAUSE_STEMS: dict[Period, tuple[str, ...]] = {
    "hour": (r"hodinov\w*", r"godzinow\w*", r"tuntipalk\w*", r"tuntiansi\w*", r"tunnilta", r"timlön\w*",
             r"timløn\w*", r"uurloon\w*", r"órabér\w*", r"óránként", r"saatlik", r"orari[aoe]", r"почасов\w*",
             r"погодинн\w*", r"ωριαί\w*", r"satnic\w*", r"시급", r"시간당", r"時給", r"时薪", r"per\s+uur",
             r"na\s+hodinu", r"za\s+godzinę", r"kada\s+oras", r"mỗi\s+giờ", r"theo\s+giờ", r"לשעה",
             r"stundenl[oö]hn\w*", r"à\s+hora", r"por\s+hora", r"all'ora", r"l'ora", r"de\s+l'heure",
             r"timbetalning\w*", r"timpenning\w*", r"timersats\w*", r"per\s+jam", r"saat\s+başı", r"ঘন্টায়",
             r"ঘণ্টায়", r"في\s+الساعة", r"setiap\s+jam"),
    "day": (r"päiväpalk\w*", r"päiväansi\w*", r"päivässä", r"napi", r"naponta", r"günlük", r"günde",
            r"denn[ěí]\w*", r"dzienn\w*", r"dnevn\w*", r"giornalier\w*", r"ежедневн\w*", r"일당", r"하루에",
            r"日当", r"日給", r"每天", r"al\s+giorno", r"per\s+dag", r"pro\s+tag", r"am\s+tag", r"ליום",
            r"يومي\w*", r"tageslohn\w*", r"por\s+d[ií]a", r"harian", r"sehari", r"per\s+hari", r"dagslön\w*",
            r"napidíj\w*", r"gündelik\w*", r"দিনে", r"في\s+اليوم", r"يوميا", r"setiap\s+hari",
            r"(?:in|într-o|en|em|dans|in\s+einem|w)\s+(?:a|one|una?|uma?|un|einem)?\s*(?:day|zi|día|dia|jour|tag|dzień)"),
    "week": (r"viikossa", r"viikoittain", r"hetente", r"haftalık", r"haftada", r"týdn[ěí]\w*",
             r"tygodniow\w*", r"tjedn\w*", r"settimanal\w*", r"еженедельн\w*", r"주급", r"일주일에", r"每周",
             r"週給", r"wekelijks\w*", r"wöchentlich\w*", r"mingguan", r"seminggu", r"per\s+minggu",
             r"veckolön\w*", r"ukelønn\w*", r"সপ্তাহে",
             r"(?:in|într-o|en|em|dans|in\s+einer|w)\s+(?:a|one|una?|uma?|une)?\s*(?:week|săptămână|semana|semaine|woche|tygodniu)"),
    "month": (r"kuukau\w*", r"kuussa", r"havi", r"havonta", r"aylık", r"ayda", r"měsíčn\w*", r"mesačn\w*",
              r"miesięczn\w*", r"mjesečn\w*", r"månadslön\w*", r"månedsløn\w*", r"maandloon", r"maandsalaris",
              r"maandelijks\w*", r"mensil\w*", r"месячн\w*", r"ежемесячн\w*", r"щомісячн\w*", r"місячн\w*",
              r"μηνιαί\w*", r"lunar\w*", r"hàng\s+tháng", r"mỗi\s+tháng", r"lương\s+tháng", r"월급",
              r"한\s+달에", r"매달", r"月収", r"月給", r"月薪", r"每月", r"al\s+mese", r"per\s+maand",
              r"pro\s+monat", r"im\s+monat", r"bulanan", r"buwanan\w*", r"לחודש", r"شهري\w*", r"ماهانه",
              r"monatsgehalt\w*", r"gaji\s+per\s+bulan", r"মাসে", r"في\s+الشهر", r"شهريا",
              r"(?:in|într-o|en|em|dans|in\s+einem|w)\s+(?:a|one|una?|uma?|un|einem)?\s*(?:month|lună|mes|mês|mois|monat|miesiącu)"),
    "year": (r"vuosi\w*", r"vuodessa", r"éves", r"évi", r"ročn\w*", r"årslön\w*", r"årsløn\w*",
             r"jaarsalaris", r"jaarlijks\w*", r"annu[oaie]", r"годов\w*", r"ετήσι\w*", r"연봉", r"年収", r"年俸",
             r"年薪", r"每年", r"per\s+jaar", r"pro\s+jahr", r"tahunan", r"taunan", r"לשנה", r"سنوي\w*", r"ral",
             r"jahresgehalt\w*"),
}
# Pay nouns of a period written right after the amount, in languages that join the period to the noun
# (regex stems, lower case): "150–180 euron päiväansioihin", "12 Euro Stundenlohn", "2.800 euro
# maandsalaris", "25 000 kr i månadslön", "2000 Ft-os órabér".
PERIOD_COMPOUNDS_AFTER: dict[Period, tuple[str, ...]] = {
    "hour": (r"tunti(?:palk|ansi|korvau)\w*", r"stunden(?:lohn|satz|honorar|verdienst)\w*", r"uur(?:loon|tarief)\w*",
             r"tim(?:lön|penning|arvode)\w*", r"time(?:løn|lønn|sats)\w*", r"órabér\w*", r"tunni(?:palk|tasu)\w*"),
    "day": (r"päivä(?:palk|ansi|korvau)\w*", r"tages(?:lohn|satz|verdienst)\w*", r"dag(?:loon|tarief)\w*",
            r"dagslön\w*", r"dags(?:løn|lønn)\w*", r"napi(?:bér|díj)\w*", r"päeva(?:palk|tasu)\w*"),
    "week": (r"viikko(?:palk|ansi)\w*", r"wochen(?:lohn|verdienst)\w*", r"weekloon\w*", r"veckolön\w*",
             r"uge(?:løn)\w*", r"uke(?:lønn)\w*", r"heti\s?bér\w*", r"nädala(?:palk|tasu)\w*"),
    "month": (r"kuukausi(?:palk|ansi)\w*", r"monats(?:lohn|gehalt|verdienst|einkommen)\w*", r"maand(?:loon|salaris)\w*",
              r"månadslön\w*", r"måneds(?:løn|lønn)\w*", r"havi\s?bér\w*", r"kuu(?:palk|tasu)\w*"),
    "year": (r"vuosi(?:palk|ansi)\w*", r"jahres(?:lohn|gehalt|verdienst|einkommen)\w*", r"jaar(?:loon|salaris)\w*",
             r"årslön\w*", r"års(?:løn|lønn)\w*", r"évi\s?bér\w*", r"aasta(?:palk|tasu)\w*"),
}
# Pieces of work named earlier in the clause: "paid per batch they complete with a minimum payment of $7
# to $10", "Por cada uno de los pedidos recibirás entre 4 y 6 euros".
CLAUSE_PIECES: dict[Piece, tuple[str, ...]] = {
    "task": ("batch", "order", "delivery", "deliveries", "drop", "trip", "ride", "gig", "mission", "pedido",
             "pedidos", "envío", "entrega", "viaje", "carrera", "corrida", "viagem", "livraison", "course",
             "lieferung", "fahrt", "bestellung", "consegna", "attività", "zlecenie", "заказ", "доставку",
             "kuljetus", "tilaus", "sipariş", "teslimat", "tarea", "tarefa", "tâche", "aufgabe", "task", "hit",
             "survey", "study", "article", "question", "pregunta", "encargo", "encuesta", "sondage", "umfrage",
             "ডেলিভারি", "অর্ডার", "pesanan", "penghantaran", "pengiriman", "trip", "viaje", "leverans", "levering",
             "completed delivery", "pick-up", "pickup", "drop-off", "dropoff"),
    "item": ("word", "palabra", "palavra", "mot", "wort", "image", "imagen", "label", "annotation", "parola",
             "słowo", "слово"),
}

# --- A list of micro-tasks and what each pays -------------------------------------------------------
# A line that names a piece of work and then its pay, "Voter pour une vidéo sur Youtube : 10 cents",
# "Watch a video: $0.05", "Оценка качества ... ($0,01)": the label opens (or, in German, closes) with a
# verb of doing one thing, or a noun for doing it. Lower case, exact words.
ACTION_WORDS: frozenset[str] = frozenset((
    # English: imperative and gerund
    "watch", "watching", "view", "viewing", "vote", "voting", "follow", "following", "like", "liking", "share",
    "sharing", "download", "downloading", "upload", "uploading", "install", "installing", "write", "writing",
    "translate", "translating", "transcribe", "transcribing", "label", "labelling", "labeling", "tag",
    "tagging", "review", "reviewing", "test", "testing", "answer", "answering", "complete",
    "completing", "fill", "filling", "record", "recording", "click", "clicking", "comment", "commenting",
    "read", "reading", "visit", "visiting", "play", "playing", "retweet", "retweeting", "taking", "search",
    "searching", "verify", "verifying", "check", "checking", "categorize", "categorise", "categorizing",
    "categorising", "annotate", "annotating", "evaluate", "evaluating", "moderate", "moderating",
    "register", "registering", "create", "creating",
    # French infinitives
    "voter", "suivre", "télécharger", "regarder", "visionner", "aimer", "liker", "partager", "installer",
    "écrire", "rédiger", "traduire", "transcrire", "noter", "évaluer", "tester", "répondre", "remplir",
    "enregistrer", "cliquer", "commenter", "lire", "visiter", "jouer", "publier", "créer", "vérifier",
    "classer", "annoter", "modérer", "s'inscrire", "inscrire", "participer", "laisser", "donner", "rechercher",
    # Spanish and Portuguese infinitives
    "ver", "votar", "seguir", "descargar", "subir", "instalar", "escribir", "redactar", "traducir",
    "transcribir", "etiquetar", "calificar", "evaluar", "probar", "responder", "contestar", "completar",
    "llenar", "rellenar", "grabar", "comentar", "leer", "visitar", "jugar", "publicar", "registrarse",
    "verificar", "clasificar", "moderar", "buscar", "dar", "assistir", "baixar", "escrever", "traduzir",
    "transcrever", "avaliar", "testar", "preencher", "gravar", "clicar", "ler", "jogar", "classificar",
    "curtir", "compartilhar", "compartir", "cadastrar", "pesquisar",
    # Italian infinitives
    "guardare", "votare", "seguire", "scaricare", "caricare", "installare", "scrivere", "tradurre",
    "trascrivere", "valutare", "testare", "rispondere", "compilare", "registrare", "cliccare", "commentare",
    "leggere", "visitare", "giocare", "pubblicare", "condividere",
    # Russian and Ukrainian verbal nouns and infinitives
    "оценка", "разметка", "модерация", "транскрибация", "проверка", "распознавание", "классификация",
    "перевод", "запись", "просмотр", "опрос", "оценить", "разметить", "проверить", "посмотреть",
    "написать", "перевести", "записать", "оцінка", "розмітка", "перевірка", "переклад",
))
# German infinitives close the label: "Ein Video ansehen: 10 Cent".
ACTION_WORDS_LAST: frozenset[str] = frozenset((
    "ansehen", "anschauen", "folgen", "herunterladen", "hochladen", "installieren", "schreiben",
    "übersetzen", "transkribieren", "bewerten", "testen", "beantworten", "ausfüllen", "aufnehmen", "klicken",
    "kommentieren", "lesen", "besuchen", "spielen", "teilen", "liken", "taggen", "prüfen", "überprüfen",
    "kategorisieren", "registrieren", "erstellen", "abstimmen",
))

# --- Numbers written as words ---------------------------------------------------------------------
# Read only right before a currency word ("dos dólares", "neljä euroa", "twenty dollars"), where
# they cannot be anything but an amount.
NUMBER_WORDS: dict[str, int] = {
    **{w: n for n, ws in {
        1: ("one", "uno", "una", "um", "uma", "un", "une", "ein", "eine", "einen", "einem", "uno", "yksi", "en",
            "ett", "één"),
        2: ("two", "dos", "dois", "duas", "deux", "zwei", "due", "kaksi", "två", "twee", "dwa", "два", "dva"),
        3: ("three", "tres", "três", "trois", "drei", "tre", "kolme", "drie", "trzy", "три", "tři"),
        4: ("four", "cuatro", "quatro", "quatre", "vier", "quattro", "neljä", "fyra", "fire", "cztery", "четыре"),
        5: ("five", "cinco", "cinq", "fünf", "cinque", "viisi", "fem", "vijf", "pięć", "пять", "pět"),
        6: ("six", "seis", "sechs", "sei", "kuusi", "sex", "seks", "zes", "sześć", "шесть"),
        7: ("seven", "siete", "sete", "sept", "sieben", "sette", "seitsemän", "sju", "syv", "zeven", "siedem"),
        8: ("eight", "ocho", "oito", "huit", "acht", "otto", "kahdeksan", "åtta", "otte", "osiem", "восемь"),
        9: ("nine", "nueve", "nove", "neuf", "neun", "yhdeksän", "nio", "ni", "negen", "dziewięć"),
        10: ("ten", "diez", "dez", "dix", "zehn", "dieci", "kymmenen", "tio", "ti", "tien", "dziesięć", "десять"),
        12: ("twelve", "doce", "doze", "douze", "zwölf", "dodici", "tolv", "twaalf"),
        15: ("fifteen", "quince", "quinze", "fünfzehn", "quindici", "femton", "femten", "vijftien"),
        20: ("twenty", "veinte", "vinte", "vingt", "zwanzig", "venti", "kaksikymmentä", "tjugo", "tyve", "twintig"),
        30: ("thirty", "treinta", "trinta", "trente", "dreißig", "trenta", "trettio", "tretti", "dertig"),
        40: ("forty", "cuarenta", "quarenta", "quarante", "vierzig", "quaranta", "fyrtio", "førti", "veertig"),
        50: ("fifty", "cincuenta", "cinquenta", "cinquante", "fünfzig", "cinquanta", "femtio", "femti", "vijftig"),
        100: ("hundred", "a hundred", "one hundred", "cien", "cem", "cent", "hundert", "cento", "sata", "hundra",
              "hundre", "honderd", "sto", "сто"),
    }.items() for w in ws},
}
