package dev.switchboard.workflowbridge;

import dev.switchboard.workflowbridge.runnow.RunNowCommand;
import io.quarkus.picocli.runtime.annotations.TopCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@TopCommand
@Command(name = "workflow-bridge", subcommands = RunNowCommand.class,
        description = "Runs Databricks jobs as steps of Flyte workflows: exactly one run per logical task, waited on.")
public class WorkflowBridgeCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command: run-now");
    }
}
