package dev.switchboard.teststack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through its chromedriver, one per test class, for the tests that use the console
 * as a person does (the control plane's console tests, the gateway plane's console-to-gateway test). {@code
 * deploy/stack.sh browser} installs both when missing (as root; elsewhere the tests are skipped with the command to
 * run). A failing test leaves a screenshot and the page's HTML under its module's {@code target/console-screenshots/};
 * {@link #snapshot} saves the pictures docs/console.md shows.
 */
public final class Browser implements AfterTestExecutionCallback {

    public static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
    /** The longest wait for the page to show what a test expects (never a timing assertion: a bound on waiting). */
    public static final Duration WAIT = Duration.ofSeconds(15);

    private static WebDriver driver;
    private static String base;

    /** The driver, started on first use at the console's width of 1280 px. */
    public static synchronized WebDriver driver(String baseUrl) {
        base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        if (driver == null) {
            Paths paths = install();
            ChromeOptions options = new ChromeOptions();
            options.setBinary(paths.chromium());
            // as root Chromium needs --no-sandbox; the rest keeps it off the network it cannot reach here
            options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--window-size=1280,900", "--user-data-dir=" + tempDir());
            LoggingPreferences logs = new LoggingPreferences();
            logs.enable(LogType.BROWSER, java.util.logging.Level.ALL);
            options.setCapability("goog:loggingPrefs", logs);
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(Path.of(paths.chromedriver()).toFile()).usingAnyFreePort().build();
            driver = new ChromeDriver(service, options);
            driver.manage().window().setSize(new Dimension(1280, 900));
            Runtime.getRuntime().addShutdownHook(new Thread(Browser::quit));
        }
        return driver;
    }

    /** The driver at 1280 px, signed out, its log of earlier tests' warnings read: each test starts from there. */
    public static WebDriver signedOut(String baseUrl) {
        WebDriver d = driver(baseUrl);
        resize(1280, 900);
        d.manage().deleteAllCookies();
        consoleErrors();
        return d;
    }

    public static synchronized void quit() {
        if (driver != null) {
            driver.quit();
            driver = null;
        }
    }

    public static void open(String path) {
        driver.get(base + path);
    }

    public static WebElement waitFor(By by) {
        return new WebDriverWait(driver, WAIT).until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    public static <T> T waitUntil(Function<WebDriver, T> condition) {
        // htmx replaces what a condition may be looking at while it looks
        return new WebDriverWait(driver, WAIT).ignoring(StaleElementReferenceException.class)
                .until(condition::apply);
    }

    /** Signs in on the sign-in page with {@code credential}; returns once a page or the sign-in error shows. */
    public static void signIn(String credential) {
        if (!driver.getCurrentUrl().endsWith("/console/sign-in")) {
            open("/console/sign-in");
        }
        WebElement field = waitFor(By.id("credential"));
        field.clear();
        field.sendKeys(credential);
        driver.findElement(By.id("sign-in")).click();
        waitUntil(d -> d.findElements(By.id("role")).size() > 0 || d.findElements(By.id("sign-in-error")).size() > 0);
    }

    public static void resize(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
    }

    /**
     * The browser's warnings and errors since the last call: a CSP violation or a script error shows up here. An
     * answer's 4xx status is logged too ("Failed to load resource"): the tests provoke those on purpose.
     */
    public static List<String> consoleErrors() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue())
                .map(LogEntry::getMessage).filter(m -> !m.contains("Failed to load resource")).toList();
    }

    /** Saves the current page as {@code target/console-screenshots/docs/<name>.png}, for docs/console.md. */
    public static void snapshot(String name) {
        save(SCREENSHOTS.resolve("docs"), name);
    }

    @Override
    public void afterTestExecution(ExtensionContext context) {
        if (context.getExecutionException().isPresent() && driver != null) {
            save(SCREENSHOTS, context.getRequiredTestClass().getSimpleName() + "-" + context.getRequiredTestMethod()
                    .getName());
        }
    }

    private static void save(Path dir, String name) {
        try {
            Files.createDirectories(dir);
            Files.write(dir.resolve(name + ".png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
            Files.writeString(dir.resolve(name + ".html"), driver.getPageSource(), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            System.out.println("[Browser] could not save the screenshot " + name + ": " + e);
        }
    }

    private record Paths(String chromium, String chromedriver) {
    }

    /** Runs {@code deploy/stack.sh browser}, which installs Chromium and chromedriver when missing and names them. */
    private static Paths install() {
        Path script = LocalStack.findRepoRoot().resolve("deploy/stack.sh");
        String out;
        int code;
        try {
            Process p = new ProcessBuilder("bash", script.toString(), "browser").redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(15, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException("deploy/stack.sh browser did not finish");
            }
            code = p.exitValue();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run deploy/stack.sh browser", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        String chromium = value(out, "CHROMIUM=");
        String chromedriver = value(out, "CHROMEDRIVER=");
        boolean cannotInstall = code != 0 && out.contains("Run as root");
        Assumptions.assumeFalse(cannotInstall, "no Chromium here and no root to install it; run as root: apt-get"
                + " install -y chromium chromium-driver (deploy/stack.sh browser)");
        if (code != 0 || chromium == null || chromedriver == null) {
            throw new IllegalStateException("deploy/stack.sh browser failed (exit " + code + "):\n" + out);
        }
        return new Paths(chromium, chromedriver);
    }

    private static String value(String out, String prefix) {
        return out.lines().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length()).strip())
                .filter(v -> !v.isEmpty()).findFirst().orElse(null);
    }

    private static String tempDir() {
        try {
            return Files.createTempDirectory("switchboard-console-chromium").toString();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public Browser() {
    }
}
