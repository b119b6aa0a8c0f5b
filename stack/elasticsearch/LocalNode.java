import org.elasticsearch.common.logging.LogConfigurator;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.node.InternalSettingsPreparer;
import org.elasticsearch.node.Node;
import org.elasticsearch.plugins.PluginsLoader;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Boots one real Elasticsearch node from Maven jars, for the local stack.
 *
 * Elastic publishes the server and its modules to Maven Central but no runnable distribution, and the
 * distribution's launcher (server-cli) is not published. This does what its bootstrap does that matters
 * here: ES logging, environment, modules loaded from home/modules exactly as in the distribution, then a
 * production Node. It skips the bootstrap checks and the security manager, which is acceptable only
 * because the node binds to loopback for local development and tests.
 *
 * Usage: java --module-path HOME/lib --add-modules ALL-MODULE-PATH -cp HOME/launcher LocalNode HOME key=value...
 */
public final class LocalNode {
  public static void main(String[] args) throws Exception {
    Path home = Path.of(args[0]).toAbsolutePath();
    Settings.Builder builder = Settings.builder()
        .put("path.home", home.toString())
        .put("path.data", home.resolve("data").toString())
        .put("path.logs", home.resolve("logs").toString())
        .put("discovery.type", "single-node");
    for (int i = 1; i < args.length; i++) {
      int eq = args[i].indexOf('=');
      if (eq < 1) throw new IllegalArgumentException("expected key=value, got: " + args[i]);
      builder.put(args[i].substring(0, eq), args[i].substring(eq + 1));
    }
    Settings settings = builder.build();
    String nodeName = settings.get("node.name", "local");

    LogConfigurator.configureESLogging();
    LogConfigurator.registerErrorListener();
    LogConfigurator.setNodeName(nodeName);
    LogConfigurator.setClusterName(settings.get("cluster.name", "elasticsearch"));
    Environment env = InternalSettingsPreparer.prepareEnvironment(settings, Map.of(), home.resolve("config"), () -> nodeName);
    LogConfigurator.configure(env, true);

    PluginsLoader plugins = PluginsLoader.createPluginsLoader(
        PluginsLoader.loadModulesBundles(env.modulesDir()), PluginsLoader.loadPluginsBundles(env.pluginsDir()), Map.of());
    Node node = new Node(env, plugins);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        node.close();
        node.awaitClose(20, TimeUnit.SECONDS);
      } catch (Exception e) {
        e.printStackTrace();
      } finally {
        stopped.countDown();
      }
    }, "local-node-shutdown"));
    node.start();
    // Node threads are daemons: keep the JVM alive until a signal starts the shutdown hook.
    stopped.await();
  }
}
