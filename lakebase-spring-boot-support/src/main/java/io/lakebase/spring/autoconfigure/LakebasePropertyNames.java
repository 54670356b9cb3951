package io.lakebase.spring.autoconfigure;

import java.beans.PropertyDescriptor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.BeanUtils;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.Environment;

/**
 * Warns, once per name at start, of a {@code lakebase.*} property that no setting has (a typo such
 * as {@code lakebase.ssl.mod}), naming the closest property there is: binding ignores unknown
 * names without a word, and the setting meant would silently keep its default.
 */
final class LakebasePropertyNames {

	private static final Logger logger = LoggerFactory.getLogger(LakebasePropertyNames.class);

	private static final ConfigurationPropertyName LAKEBASE = ConfigurationPropertyName.of("lakebase");

	// Any Hikari key goes below it: checked by Hikari's own binding, not here.
	private static final ConfigurationPropertyName READ_ONLY_HIKARI = ConfigurationPropertyName
		.of("lakebase.read-only.hikari");

	// The test branches' settings: the lakebase-test module reads them, not the starter, and they
	// configure no connection of the application.
	static final ConfigurationPropertyName TEST_BRANCH = ConfigurationPropertyName.of("lakebase.test");

	// The names the properties class binds: every JavaBean property, nested groups included.
	private static final List<ConfigurationPropertyName> KNOWN = known("lakebase", LakebaseProperties.class);

	private LakebasePropertyNames() {
	}

	/**
	 * Logs one warning for each {@code lakebase.*} property of the environment that is no known
	 * setting, with the closest known one.
	 * @param environment the environment
	 */
	static void warnUnknown(Environment environment) {
		Set<ConfigurationPropertyName> reported = new LinkedHashSet<>();
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
			if (!(source instanceof IterableConfigurationPropertySource iterable)) {
				continue;
			}
			iterable.stream()
				.filter((name) -> LAKEBASE.isAncestorOf(name) && !READ_ONLY_HIKARI.isAncestorOf(name)
						&& !READ_ONLY_HIKARI.equals(name) && !TEST_BRANCH.isAncestorOf(name) && !isKnown(name)
						&& reported.add(name))
				.forEach((name) -> warn(name, source.getConfigurationProperty(name)));
		}
	}

	static boolean isKnown(ConfigurationPropertyName name) {
		return KNOWN.stream().anyMatch((known) -> known.equals(name));
	}

	/**
	 * Returns the known property closest to a name, by edit distance.
	 * @param name the unknown name
	 * @return the closest known name
	 */
	static String closest(ConfigurationPropertyName name) {
		String text = name.toString();
		return KNOWN.stream()
			.map(ConfigurationPropertyName::toString)
			.min(Comparator.comparingInt((known) -> distance(text, known)))
			.orElseThrow();
	}

	private static void warn(ConfigurationPropertyName name, @Nullable ConfigurationProperty property) {
		String origin = (property != null && property.getOrigin() != null) ? " (from " + property.getOrigin() + ")"
				: "";
		logger.warn("'{}'{} is not a Lakebase property and is ignored: did you mean '{}'? The README lists every "
				+ "lakebase.* property.", name, origin, closest(name));
	}

	private static List<ConfigurationPropertyName> known(String prefix, Class<?> type) {
		List<ConfigurationPropertyName> names = new ArrayList<>();
		for (PropertyDescriptor descriptor : BeanUtils.getPropertyDescriptors(type)) {
			Class<?> propertyType = descriptor.getPropertyType();
			if (descriptor.getReadMethod() == null || "class".equals(descriptor.getName())) {
				continue;
			}
			String name = prefix + "." + dashed(descriptor.getName());
			if (propertyType.getEnclosingClass() == LakebaseProperties.class) {
				names.addAll(known(name, propertyType));
			}
			else if (!Map.class.isAssignableFrom(propertyType)) {
				names.add(ConfigurationPropertyName.of(name));
			}
		}
		return List.copyOf(names);
	}

	private static String dashed(String camelCase) {
		StringBuilder dashed = new StringBuilder();
		for (char character : camelCase.toCharArray()) {
			if (Character.isUpperCase(character)) {
				dashed.append('-').append(Character.toLowerCase(character));
			}
			else {
				dashed.append(character);
			}
		}
		return dashed.toString();
	}

	// Levenshtein distance.
	private static int distance(String a, String b) {
		int[] previous = new int[b.length() + 1];
		int[] current = new int[b.length() + 1];
		for (int j = 0; j <= b.length(); j++) {
			previous[j] = j;
		}
		for (int i = 1; i <= a.length(); i++) {
			current[0] = i;
			for (int j = 1; j <= b.length(); j++) {
				int substitution = previous[j - 1] + ((a.charAt(i - 1) == b.charAt(j - 1)) ? 0 : 1);
				current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
			}
			int[] swap = previous;
			previous = current;
			current = swap;
		}
		return previous[b.length()];
	}

}
