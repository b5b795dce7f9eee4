//! `completions` and `man`: the shell completion scripts (clap_complete) and the man page
//! (clap_mangen), generated from the same clap definition as the parser, printed to stdout.

use clap::CommandFactory;

use crate::cli::Cli;
use crate::error::{Error, Result};

/// Prints the completion script for `shell`.
pub fn completions(shell: clap_complete::Shell) -> Result<i32> {
    let mut cmd = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, "practice-report", &mut script);
    super::say(&String::from_utf8_lossy(&script))?;
    Ok(0)
}

/// Prints the man page (roff), with one section per subcommand.
pub fn man() -> Result<i32> {
    let cmd = Cli::command();
    let mut page = Vec::new();
    let render_err = |source| Error::Write {
        path: "standard output".into(),
        source,
    };
    let man = clap_mangen::Man::new(cmd.clone());
    man.render_title(&mut page).map_err(render_err)?;
    man.render_name_section(&mut page).map_err(render_err)?;
    man.render_synopsis_section(&mut page).map_err(render_err)?;
    man.render_description_section(&mut page)
        .map_err(render_err)?;
    man.render_subcommands_section(&mut page)
        .map_err(render_err)?;
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = format!("practice-report {}", sub.get_name());
        let sub = sub.clone().display_name(name.clone()).bin_name(name);
        let sub_man = clap_mangen::Man::new(sub);
        sub_man.render_name_section(&mut page).map_err(render_err)?;
        sub_man
            .render_synopsis_section(&mut page)
            .map_err(render_err)?;
        sub_man
            .render_options_section(&mut page)
            .map_err(render_err)?;
    }
    man.render_version_section(&mut page).map_err(render_err)?;
    super::say(&String::from_utf8_lossy(&page))?;
    Ok(0)
}
