//! Thin entry point: parse arguments, run, map the outcome to an exit code.
//! 0: ran and the gate passed · 1: ran and the gate failed · 2: could not run.

#![deny(clippy::print_stderr, clippy::print_stdout)]

use std::process::ExitCode;

use clap::Parser;

use crmaudit::cli::{Cli, Command, RulesCommand};

fn main() -> ExitCode {
    install_diagnostics();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            // --help and --version are successes; anything else is a usage error (exit 2).
            let _ = err.print();
            return if err.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    // Informational commands end quietly when the reader closes stdout (`| head`); an audit
    // or KPI run says its output was cut, since a CI step may be reading it.
    let informational = !matches!(cli.command, Command::Audit(_) | Command::Kpi(_));
    let outcome = match cli.command {
        Command::Audit(args) => {
            crmaudit::app::audit(&args).map(|passed| if passed { 0 } else { 1 })
        }
        Command::Kpi(args) => crmaudit::app::kpi(&args).map(|passed| if passed { 0 } else { 1 }),
        Command::Dedupe(args) => crmaudit::dedupe::command::dedupe(&args).map(|_| 0),
        Command::Rules { command } => {
            let mut stdout = std::io::stdout().lock();
            match command {
                RulesCommand::List => match crmaudit::rules_cmd::list(&mut stdout) {
                    // A closed pipe (`| head`) is the reader's choice, not a failure.
                    Err(err) if err.kind() != std::io::ErrorKind::BrokenPipe => {
                        Err(crmaudit::error::Error::Output {
                            path: "stdout".into(),
                            reason: err,
                        })
                    }
                    _ => Ok(0),
                },
                RulesCommand::Explain { code, config } => {
                    crmaudit::rules_cmd::explain(&code, config.as_deref(), &mut stdout).map(|_| 0)
                }
                RulesCommand::Check { file } => {
                    crmaudit::rules_cmd::check(&file, &mut stdout).map(|_| 0)
                }
            }
        }
        Command::History(args) => crmaudit::history::command::history(&args).map(|_| 0),
        Command::Init { dir, force } => crmaudit::init::init(&dir, force).and_then(|summary| {
            use std::io::Write;
            std::io::stdout()
                .lock()
                .write_all(summary.as_bytes())
                .map_err(|reason| crmaudit::error::Error::Output {
                    path: "stdout".into(),
                    reason,
                })
                .map(|()| 0)
        }),
    };
    match outcome {
        Ok(code) => ExitCode::from(code),
        Err(crmaudit::error::Error::Output { path, reason })
            if informational
                && path == "stdout"
                && reason.kind() == std::io::ErrorKind::BrokenPipe =>
        {
            ExitCode::SUCCESS
        }
        Err(err) => {
            crmaudit::stderr::line(format_args!("{:?}", miette::Report::new(err)));
            ExitCode::from(2)
        }
    }
}

/// Diagnostics always name file, line and column; colour and Unicode only on a terminal.
fn install_diagnostics() {
    use std::io::IsTerminal;
    let terminal = std::io::stderr().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let _ = miette::set_hook(Box::new(move |_| {
        Box::new(
            miette::MietteHandlerOpts::new()
                .terminal_links(false)
                .unicode(terminal)
                .color(terminal)
                .force_graphical(true)
                .build(),
        )
    }));
    // A panic is a bug; say so plainly instead of a backtrace, and exit 2 like other failures.
    std::panic::set_hook(Box::new(|info| {
        crmaudit::stderr::line(format_args!(
            "crmaudit: internal error: {info}\nPlease report this with the command you ran."
        ));
        std::process::exit(2);
    }));
}
