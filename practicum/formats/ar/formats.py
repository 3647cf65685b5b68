# Django's Arabic formats, with the 24-hour clock the English pages use (an international
# membership reads one clock) and the separators of Arabic written with Western digits (CLDR's
# ar "latn" numbers: 1,234.5); Django's own Arabic uses a decimal comma.
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y، H:i"
TIME_FORMAT = "H:i"
SHORT_DATETIME_FORMAT = "d\u200f/m\u200f/Y H:i"
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
