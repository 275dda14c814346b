package io.carp.cli;

import java.math.BigInteger;
import java.util.regex.Pattern;

/**
 * Reads numeric option values as ucarp does ({@code strtoul(value, NULL, 0)}): decimal, {@code 0x} hexadecimal, or
 * octal with a leading {@code 0}, so that {@code -v 0x10} and {@code -v 020} both mean 16 as they do for ucarp. Unlike
 * ucarp, trailing garbage, signs and out-of-range values are refused instead of being read as 0 or truncated to a byte.
 */
final class UcarpNumbers {
    private static final Pattern HEX = Pattern.compile("0[xX][0-9a-fA-F]+");
    private static final Pattern OCTAL = Pattern.compile("0[0-7]+");
    private static final Pattern DECIMAL = Pattern.compile("0|[1-9][0-9]*");

    private UcarpNumbers() {
    }

    /**
     * Parses and range-checks an option value.
     *
     * @param option the option name for the message, e.g. {@code --vhid}
     * @param value  the text given
     * @param min    smallest allowed value
     * @param max    largest allowed value
     * @return the value
     * @throws CliUsageException naming the option, the value and the range
     */
    static int parse(String option, String value, int min, int max) throws CliUsageException {
        String expected = "an integer " + min + "-" + max;
        BigInteger n;
        if (HEX.matcher(value).matches()) {
            n = new BigInteger(value.substring(2), 16);
        } else if (OCTAL.matcher(value).matches()) {
            n = new BigInteger(value.substring(1), 8);
        } else if (DECIMAL.matcher(value).matches()) {
            n = new BigInteger(value);
        } else {
            throw CliUsageException.invalid(option, value, "not a number", expected
                    + "; 0x.. is hexadecimal and a leading 0 octal, as ucarp reads it");
        }
        if (n.compareTo(BigInteger.valueOf(min)) < 0 || n.compareTo(BigInteger.valueOf(max)) > 0) {
            throw CliUsageException.invalid(option, value, "out of range", expected);
        }
        return n.intValueExact();
    }
}
