CREATE OR REPLACE PACKAGE BODY payroll AS
  FUNCTION net_salary(p_emp_id IN employees.employee_id%TYPE) RETURN NUMBER IS
    v_gross employees.salary%TYPE;
  BEGIN
    SELECT salary INTO v_gross FROM employees WHERE employee_id = p_emp_id;
    RETURN v_gross * 0.72;
  EXCEPTION
    WHEN NO_DATA_FOUND THEN
      DBMS_OUTPUT.PUT_LINE('no employee ' || p_emp_id);
      RETURN NULL;
  END net_salary;
END payroll;
/
