package io.lakebase.spring.benchmarks;

import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * One row of the results table: a figure's value for each variant, and its target or a note.
 *
 * @param label what is measured
 * @param unit how the values are shown
 * @param values the value of each variant
 * @param details text shown after a variant's value, if any
 * @param target the target and whether it was met, or a note
 */
record Figure(String label, Unit unit, Map<Variant, Double> values, Map<Variant, String> details, String target) {

	Figure {
		values = Map.copyOf(values);
		details = Map.copyOf(details);
	}

	Figure(String label, Unit unit, Map<Variant, Double> values, String target) {
		this(label, unit, values, Map.of(), target);
	}

	double value(Variant variant) {
		return this.values.get(variant);
	}

	String cell(Variant variant) {
		if (Double.isNaN(value(variant))) {
			return "—";
		}
		String value = this.unit.format(value(variant));
		String detail = this.details.get(variant);
		return (detail != null) ? value + " " + detail : value;
	}

	/**
	 * Returns the ratio of two variants' values.
	 * @param numerator the variant on top
	 * @param denominator the variant below
	 * @return the ratio, or {@code null} when the denominator is zero
	 */
	@Nullable Double ratio(Variant numerator, Variant denominator) {
		double below = value(denominator);
		double above = value(numerator);
		return (below != 0 && !Double.isNaN(below) && !Double.isNaN(above)) ? above / below : null;
	}

	/**
	 * How the values of a figure are shown.
	 */
	enum Unit {

		/** A rate per 1,000 events. */
		PER_THOUSAND {
			@Override
			String format(double value) {
				return String.format(Locale.ROOT, (value == Math.rint(value)) ? "%,.0f" : "%,.1f", value);
			}
		},

		/** Milliseconds, with more decimals for small values, and microseconds below one. */
		MILLISECONDS {
			@Override
			String format(double value) {
				if (value < 1) {
					return String.format(Locale.ROOT, "%.0f µs", value * 1000);
				}
				String pattern = (value >= 100) ? "%,.0f ms" : (value >= 10) ? "%.1f ms" : "%.2f ms";
				return String.format(Locale.ROOT, pattern, value);
			}
		},

		/** Transactions per second. */
		TRANSACTIONS_PER_SECOND {
			@Override
			String format(double value) {
				return String.format(Locale.ROOT, "%,.0f tx/s", value);
			}
		},

		/** A count of events. */
		COUNT {
			@Override
			String format(double value) {
				return String.format(Locale.ROOT, "%,.0f", value);
			}
		},

		/** A count per item: whole, or with two decimals. */
		MEAN {
			@Override
			String format(double value) {
				return String.format(Locale.ROOT, (value == Math.rint(value)) ? "%,.0f" : "%,.2f", value);
			}
		},

		/** Kibibytes. */
		KIBIBYTES {
			@Override
			String format(double value) {
				return String.format(Locale.ROOT, "%,.0f KiB", value);
			}
		};

		abstract String format(double value);

	}

}
