/**
 * The currencies an invoice may be in: ISO 4217 codes Stripe can charge in
 * (https://docs.stripe.com/currencies#presentment-currencies). Stripe's three-decimal currencies (BHD, JOD, KWD,
 * OMR, TND) are left out: Stripe requires their amounts to end in 0, a rule we do not model.
 */
export const CURRENCIES: ReadonlySet<string> = new Set(
  (
    'USD AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BIF BMD BND BOB BRL BSD BWP BYN BZD CAD CDF CHF ' +
    'CLP CNY COP CRC CVE CZK DJF DKK DOP DZD EGP ETB EUR FJD FKP GBP GEL GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ' +
    'ILS INR ISK JMD JPY KES KGS KHR KMF KRW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MUR MVR MWK ' +
    'MXN MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SEK SGD SHP ' +
    'SLE SOS SRD STD SZL THB TJS TOP TRY TTD TWD TZS UAH UGX UYU UZS VND VUV WST XAF XCD XOF XPF YER ZAR ZMW'
  ).split(' '),
);

/**
 * Currencies without minor units: an amount of 500 JPY is 500 in Stripe's smallest unit and 500 (not 5.00) in a
 * Salesforce Currency field (https://docs.stripe.com/currencies#zero-decimal).
 */
export const ZERO_DECIMAL: ReadonlySet<string> = new Set(
  'BIF CLP DJF GNF JPY KMF KRW MGA PYG RWF UGX VND VUV XAF XOF XPF'.split(' '),
);

/** Minor units per major unit: 100 for USD (cents), 1 for JPY. */
export const minorUnitsPerMajor = (currency: string) => (ZERO_DECIMAL.has(currency.toUpperCase()) ? 1 : 100);

/**
 * Stripe's largest amount: 8 digits in the smallest unit (99,999,999: $999,999.99 or ¥99,999,999)
 * (https://docs.stripe.com/currencies#minimum-and-maximum-charge-amounts).
 */
export const MAX_AMOUNT = 99_999_999;
