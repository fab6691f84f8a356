library ieee;
use ieee.std_logic_1164.all;
use ieee.numeric_std.all;

entity alu is
  port (
    a, b : in  unsigned(7 downto 0);
    op   : in  std_logic_vector(1 downto 0);
    y    : out unsigned(7 downto 0)
  );
end entity alu;

architecture rtl of alu is
begin
  process (a, b, op)
  begin
    case op is
      when "00"   => y <= a + b;
      when "01"   => y <= a - b;
      when "10"   => y <= a and b;
      when others => y <= a or b;
    end case;
  end process;
end architecture rtl;
