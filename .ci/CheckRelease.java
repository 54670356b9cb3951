import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Checks what a release would publish, after {@code mvn -B -P release -DskipTests -Dgpg.skip verify}:
 * every module that the root POM does not exclude from publishing has its main, sources and javadoc
 * jars (a BOM: its POM only) and a published POM with what Maven Central requires (coordinates
 * without placeholders, name, description, URL, licence, developers, SCM, a version for every
 * dependency, and Lakebase dependencies only on artifacts that are published too).
 *
 * <p>Run from the repository root: {@code java .ci/CheckRelease.java}.
 */
public class CheckRelease {

	private static final List<String> problems = new ArrayList<>();

	public static void main(String[] args) throws Exception {
		Path root = Path.of(".");
		Document rootPom = parse(root.resolve("pom.xml"));
		Set<String> excluded = new TreeSet<>(texts(rootPom.getDocumentElement(), "excludeArtifacts", "artifact"));
		if (excluded.isEmpty()) {
			problems.add("pom.xml: the release profile excludes no artifact from publishing");
		}
		Set<String> published = new TreeSet<>();
		List<Path> modules;
		try (Stream<Path> poms = Files.walk(root)) {
			modules = poms.filter((path) -> path.getFileName().toString().equals("pom.xml"))
				.filter((path) -> !path.toString().contains("/target/") && !path.toString().contains("/src/"))
				.map(Path::getParent)
				.sorted()
				.toList();
		}
		for (Path module : modules) {
			Document pom = parse(module.resolve("pom.xml"));
			String artifactId = child(pom.getDocumentElement(), "artifactId");
			if (!excluded.contains(artifactId)) {
				published.add(artifactId);
			}
		}
		for (Path module : modules) {
			Document pom = parse(module.resolve("pom.xml"));
			String artifactId = child(pom.getDocumentElement(), "artifactId");
			if (published.contains(artifactId)) {
				checkModule(module, artifactId, published);
			}
		}
		if (!problems.isEmpty()) {
			problems.forEach((problem) -> System.err.println("RELEASE CHECK: " + problem));
			System.exit(1);
		}
		System.out.println("Release check passed. It would publish (groupId io.lakebase):");
		for (String artifactId : published) {
			System.out.println("  " + artifactId);
		}
	}

	private static void checkModule(Path module, String artifactId, Set<String> published) throws Exception {
		Path flattened = module.resolve(".flattened-pom.xml");
		if (!Files.exists(flattened)) {
			problems.add(artifactId + ": no published POM (" + flattened + "); run the release build first");
			return;
		}
		Element pom = parse(flattened).getDocumentElement();
		String version = child(pom, "version");
		String packaging = child(pom, "packaging");
		boolean bom = "pom".equals(packaging);
		require(artifactId, "groupId", child(pom, "groupId"));
		require(artifactId, "version", version);
		require(artifactId, "name", child(pom, "name"));
		require(artifactId, "description", child(pom, "description"));
		require(artifactId, "url", child(pom, "url"));
		Element license = first(pom, "licenses", "license");
		require(artifactId, "licenses/license/name", (license != null) ? child(license, "name") : null);
		require(artifactId, "licenses/license/url", (license != null) ? child(license, "url") : null);
		Element developer = first(pom, "developers", "developer");
		require(artifactId, "developers/developer/name", (developer != null) ? child(developer, "name") : null);
		Element scm = first(pom, "scm");
		require(artifactId, "scm/url", (scm != null) ? child(scm, "url") : null);
		require(artifactId, "scm/connection", (scm != null) ? child(scm, "connection") : null);
		if (first(pom, "parent") != null) {
			problems.add(artifactId + ": the published POM names a parent, which is not published");
		}
		String text = Files.readString(flattened).replace("${project.version}", "");
		if (text.contains("${")) {
			problems.add(artifactId + ": the published POM holds an unresolved ${...} placeholder");
		}
		for (Element dependency : dependencies(pom)) {
			String coordinates = child(dependency, "groupId") + ":" + child(dependency, "artifactId");
			if (child(dependency, "version") == null) {
				problems.add(artifactId + ": dependency " + coordinates + " has no version");
			}
			if ("io.lakebase".equals(child(dependency, "groupId"))
					&& !published.contains(child(dependency, "artifactId"))) {
				problems.add(artifactId + ": depends on " + coordinates + ", which is not published");
			}
		}
		if (bom) {
			if (dependencies(pom).isEmpty()) {
				problems.add(artifactId + ": the BOM manages no dependency");
			}
			return;
		}
		for (String classifier : new String[] { "", "-sources", "-javadoc" }) {
			Path jar = module.resolve("target").resolve(artifactId + "-" + version + classifier + ".jar");
			if (!Files.isRegularFile(jar) || Files.size(jar) == 0) {
				problems.add(artifactId + ": missing " + jar);
			}
		}
	}

	private static void require(String artifactId, String element, String value) {
		if (value == null || value.isBlank()) {
			problems.add(artifactId + ": the published POM has no " + element);
		}
	}

	private static List<Element> dependencies(Element pom) {
		List<Element> dependencies = new ArrayList<>();
		NodeList nodes = pom.getElementsByTagName("dependency");
		for (int i = 0; i < nodes.getLength(); i++) {
			dependencies.add((Element) nodes.item(i));
		}
		return dependencies;
	}

	private static Element first(Element parent, String... path) {
		Element current = parent;
		for (String name : path) {
			Element next = null;
			for (Node node = current.getFirstChild(); node != null; node = node.getNextSibling()) {
				if (node instanceof Element element && element.getTagName().equals(name)) {
					next = element;
					break;
				}
			}
			if (next == null) {
				return null;
			}
			current = next;
		}
		return current;
	}

	private static String child(Element parent, String name) {
		Element element = first(parent, name);
		return (element != null) ? element.getTextContent().trim() : null;
	}

	private static List<String> texts(Element root, String container, String name) {
		List<String> values = new ArrayList<>();
		NodeList containers = root.getElementsByTagName(container);
		for (int i = 0; i < containers.getLength(); i++) {
			NodeList items = ((Element) containers.item(i)).getElementsByTagName(name);
			for (int j = 0; j < items.getLength(); j++) {
				values.add(items.item(j).getTextContent().trim());
			}
		}
		return values;
	}

	private static Document parse(Path file) throws Exception {
		DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
		factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
		return factory.newDocumentBuilder().parse(file.toFile());
	}

}
