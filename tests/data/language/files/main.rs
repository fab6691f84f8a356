use std::env;
use std::fs;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let Some(path) = args.first() else {
        eprintln!("usage: wc PATH");
        return ExitCode::from(2);
    };
    match fs::read_to_string(path) {
        Ok(text) => {
            let lines = text.lines().count();
            let words = text.split_whitespace().count();
            println!("{lines} {words} {}", text.len());
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("{path}: {err}");
            ExitCode::FAILURE
        }
    }
}
