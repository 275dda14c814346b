package io.carp.cli;

import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.OptionSpec;

/** Splits the option list of {@code --help} into ucarp's options, compatibility-only options and extensions. */
final class HelpSections {
    private HelpSections() {
    }

    /**
     * Replaces picocli's single option list with three sections.
     *
     * @param commandLine the parser of {@link CliOptions}
     */
    static void install(CommandLine commandLine) {
        commandLine.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_OPTION_LIST_HEADING,
                help -> "");
        commandLine.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_OPTION_LIST,
                HelpSections::render);
    }

    private static String render(Help help) {
        Predicate<OptionSpec> compat = o -> CliOptions.COMPATIBILITY_ONLY.contains(o.longestName());
        Predicate<OptionSpec> extension = o -> CliOptions.EXTENSIONS.contains(o.longestName());
        return section(help, "ucarp's options, with its names, meanings and defaults ([extension]: goes further):",
                compat.negate().and(extension.negate()))
                + section(help, "Accepted for compatibility with ucarp; no effect here (a warning is logged):",
                compat)
                + section(help, "Extensions (not in ucarp):", extension);
    }

    private static String section(Help help, String heading, Predicate<OptionSpec> filter) {
        Help.Layout layout = help.createDefaultLayout();
        Help.IParamLabelRenderer labels = help.createDefaultParamLabelRenderer();
        List<OptionSpec> options = help.commandSpec().options().stream().filter(filter)
                .sorted(Comparator.comparingInt(OptionSpec::order)).toList();
        options.forEach(o -> layout.addOption(o, labels));
        return System.lineSeparator() + heading + System.lineSeparator() + layout;
    }
}
